package srctree

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirInTests(t *testing.T) {
	d := Dir()
	if d == "" {
		t.Fatal("Dir() is empty in a test run from the source tree")
	}
	if _, err := os.Stat(filepath.Join(d, "kernel", "internal", "srctree", "srctree.go")); err != nil {
		t.Errorf("Dir() = %q, which does not hold this package: %v", d, err)
	}
}

// TestTrimpathBuild builds a program with -trimpath, as install.sh does,
// with and without the flag, and checks what Dir says in it.
func TestTrimpathBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs")
	}
	src := Dir()
	prog := filepath.Join(t.TempDir(), "main.go")
	os.WriteFile(prog, []byte("package main\nimport (\"fmt\"; \"github.com/gopherlab/gopherlab/kernel/internal/srctree\")\nfunc main() { fmt.Print(srctree.Dir()) }\n"), 0o644)
	// The program must be inside the module to import an internal package.
	dir, err := os.MkdirTemp(filepath.Join(src, "kernel", "internal", "srctree"), "testprog")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	data, _ := os.ReadFile(prog)
	os.WriteFile(filepath.Join(dir, "main.go"), data, 0o644)
	for _, tc := range []struct {
		ldflags, want string
	}{
		{"", ""},
		{Flag(src), src},
	} {
		bin := filepath.Join(t.TempDir(), "prog")
		args := []string{"build", "-trimpath", "-o", bin}
		if tc.ldflags != "" {
			args = append(args, "-ldflags", tc.ldflags)
		}
		cmd := exec.Command("go", append(args, "./"+filepath.Base(dir))...)
		cmd.Dir = filepath.Dir(dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		out, err := exec.Command(bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(out)); got != tc.want {
			t.Errorf("-ldflags %q: Dir() = %q, want %q", tc.ldflags, got, tc.want)
		}
	}
}
