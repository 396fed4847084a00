package goroot

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestDir(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	want, _ := filepath.EvalSymlinks(strings.TrimSpace(string(out)))
	got, _ := filepath.EvalSymlinks(Dir())
	if got != want {
		t.Errorf("Dir() = %q, want %q", got, want)
	}
	v, err := exec.Command(GoCommand(), "version").Output()
	if err != nil || !strings.HasPrefix(string(v), "go version ") {
		t.Errorf("%s version: %q, %v", GoCommand(), v, err)
	}
	if isRoot(t.TempDir()) || isRoot("") {
		t.Error("isRoot accepts a directory without src/fmt")
	}
}
