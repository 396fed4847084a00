package kernel_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
)

// TestInstallScript runs ../install.sh --prefix twice (install, then
// upgrade in place) and asks Jupyter for the kernelspec it registered.
func TestInstallScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary with install.sh; skipped under -short")
	}
	prefix := t.TempDir()
	for i := range 2 {
		cmd := exec.Command("bash", "../install.sh", "--prefix", prefix)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("install.sh (run %d): %v\n%s", i+1, err, out)
		}
	}
	bin := filepath.Join(prefix, "bin", "gopherlab")
	if out, err := exec.Command(bin, "version").Output(); err != nil || !strings.HasPrefix(string(out), "gopherlab ") {
		t.Errorf("%s version: %q, %v", bin, out, err)
	}
	spec := filepath.Join(prefix, "share", "jupyter", "kernels", "gopherlab", "kernel.json")
	b, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	var ks struct{ Argv []string }
	if err := json.Unmarshal(b, &ks); err != nil {
		t.Fatal(err)
	}
	if len(ks.Argv) == 0 || ks.Argv[0] != bin {
		t.Errorf("kernel.json argv = %q, want the installed binary %s first", ks.Argv, bin)
	}
	if !kerneltest.HasJupyter() {
		t.Log(kerneltest.Jupyter + " not found: not checking that Jupyter finds the kernelspec")
		return
	}
	cmd := exec.Command("/usr/bin/python3", "-c", `import json
from jupyter_client.kernelspec import KernelSpecManager
print(json.dumps({"kernelspecs": {k: {"resource_dir": v} for k, v in KernelSpecManager().find_kernel_specs().items()}}))`)
	cmd.Env = append(os.Environ(), "JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("KernelSpecManager().find_kernel_specs(): %v", err)
	}
	var list struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatal(err)
	}
	if got := list.Kernelspecs["gopherlab"].ResourceDir; got != filepath.Dir(spec) {
		t.Errorf("Jupyter finds gopherlab in %q, want %q", got, filepath.Dir(spec))
	}
}

// TestInstallScriptFailsLoudly checks that install.sh stops with the reason.
func TestInstallScriptFailsLoudly(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A go command too old for go.mod.
	oldGo := t.TempDir()
	if err := os.WriteFile(filepath.Join(oldGo, "go"), []byte("#!/bin/sh\necho go1.20.3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"--prefix", filepath.Join(file, "sub")}, nil, "cannot create"},
		{[]string{"--bogus"}, nil, "unknown option --bogus"},
		{[]string{"--prefix"}, nil, "--prefix needs a directory"},
		// No go on PATH and no /usr/local/go: say how to get Go.
		{[]string{"--prefix", t.TempDir()}, []string{"PATH=/usr/bin:/bin", "GOPHERLAB_GOROOT_FALLBACK=/nonexistent"}, "Go is not installed"},
		{[]string{"--prefix", t.TempDir()}, []string{"PATH=" + oldGo + ":/usr/bin:/bin"}, "Go 1.20.3 is older than go 1.26"},
	} {
		cmd := exec.Command("/bin/bash", append([]string{"../install.sh"}, tt.args...)...)
		cmd.Env = append(os.Environ(), tt.env...)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), tt.want) {
			t.Errorf("install.sh %q: err %v, output %q; want failure with %q", tt.args, err, out, tt.want)
		}
	}
}
