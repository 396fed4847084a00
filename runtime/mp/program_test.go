package mp_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompiledProgram builds testdata/prog, a program whose main starts a
// process, and runs it with and without the mp.Main call.
func TestCompiledProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "prog")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/prog").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).CombinedOutput()
	if err != nil || string(out) != "work sum in Process-1\nvalue 42\n" {
		t.Errorf("prog: %v\n%s", err, out)
	}

	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "NOMAIN=1")
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "start: ") || !strings.Contains(string(out), "must call mp.Main()") {
		t.Errorf("prog without mp.Main: %v\n%s", err, out)
	}
	t.Logf("without mp.Main:\n%s", out)
}
