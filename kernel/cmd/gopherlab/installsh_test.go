package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
)

// fakeJupyter is a jupyter command that has only the subcommands listed in
// $FAKE_STATE/have and runs them with the real one: a machine where
// `jupyter` exists but `jupyter kernelspec` says "Jupyter command
// `jupyter-kernelspec` not found." (Debian's jupyter-core without
// jupyter-client), as a new user found it.
const fakeJupyter = `#!/bin/sh
case "$1" in
  ""|-*) exec /usr/bin/jupyter "$@" ;;
esac
if grep -qx "$1" "$FAKE_STATE/have"; then exec /usr/bin/jupyter "$@"; fi
echo "Jupyter command ` + "`jupyter-$1`" + ` not found." >&2
exit 1
`

// fakeAptGet stands in for apt-get (GOPHERLAB_APT_GET): it records its
// arguments in $FAKE_STATE/apt.log and "installs" a package by adding its
// commands to the fake jupyter. A test must not add or remove Debian
// packages of the machine it runs on.
const fakeAptGet = `#!/bin/sh
echo "$*" >> "$FAKE_STATE/apt.log"
[ "$1" = install ] || exit 0
for p in "$@"; do
  case "$p" in
    jupyter-notebook) echo notebook ;;
    jupyter-client) echo kernelspec ;;
    jupyter-nbconvert) echo nbconvert ;;
    jupyter-console) echo console ;;
  esac
done >> "$FAKE_STATE/have"
`

// TestInstallScriptFreshHome follows the README on a fresh HOME where
// `jupyter` exists but `jupyter kernelspec` and `jupyter console` do not:
// ./install.sh says what is missing and the exact PATH line, --with-jupyter
// installs exactly the missing packages, the kernel is registered for the
// user and the lessons are trusted, gopherlab runs from the PATH the script
// prints, a rerun changes nothing, and --uninstall removes the binary and
// the kernelspec. The real jupyter (through the fake) lists the kernels.
func TestInstallScriptFreshHome(t *testing.T) {
	kerneltest.NeedJupyter(t, "runs install.sh on a fresh HOME")
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("install.sh builds with go, which is not on PATH")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	state := t.TempDir()
	fakeBin := filepath.Join(state, "bin")
	if err := os.MkdirAll(fakeBin, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"jupyter": fakeJupyter, "fake-apt-get": fakeAptGet} {
		if err := os.WriteFile(filepath.Join(fakeBin, name), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(state, "have"), []byte("notebook\nnbconvert\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	goEnv := func(name string) string {
		out, err := exec.Command(goBin, "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	basePath := fakeBin + ":" + filepath.Dir(goBin) + ":/usr/bin:/bin"
	env := []string{
		"HOME=" + home, "USER=learner", "LANG=C.UTF-8", "FAKE_STATE=" + state,
		"GOPHERLAB_APT_GET=" + filepath.Join(fakeBin, "fake-apt-get"),
		// The build caches of this machine: a fresh HOME would rebuild everything.
		"GOCACHE=" + goEnv("GOCACHE"), "GOMODCACHE=" + goEnv("GOMODCACHE"), "GOPATH=" + goEnv("GOPATH"),
		"GOTOOLCHAIN=local", "GOFLAGS=-mod=mod",
	}
	run := func(path string, args ...string) (string, error) {
		t.Helper()
		name := args[0]
		if !strings.Contains(name, "/") { // look it up in path, not in the test's PATH
			for _, dir := range filepath.SplitList(path) {
				if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.Mode()&0o111 != 0 {
					name = filepath.Join(dir, name)
					break
				}
			}
			if !strings.Contains(name, "/") {
				return "", &exec.Error{Name: name, Err: exec.ErrNotFound}
			}
		}
		cmd := exec.Command(name, args[1:]...)
		cmd.Dir = root
		cmd.Env = append(append([]string{}, env...), "PATH="+path)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	mustRun := func(path string, args ...string) string {
		t.Helper()
		out, err := run(path, args...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	aptLog := func() string {
		b, _ := os.ReadFile(filepath.Join(state, "apt.log"))
		return string(b)
	}
	pathLine := `export PATH="$HOME/.local/bin:$PATH"`

	// Without --with-jupyter: installed anyway, and told exactly what is missing.
	out := mustRun(basePath, "./install.sh")
	for _, want := range []string{"missing jupyter kernelspec, jupyter console", "sudo apt-get install -y jupyter-client jupyter-console",
		"not on your PATH", pathLine} {
		if !strings.Contains(out, want) {
			t.Errorf("install.sh output lacks %q:\n%s", want, out)
		}
	}
	if aptLog() != "" {
		t.Errorf("apt-get ran without --with-jupyter: %s", aptLog())
	}

	// --with-jupyter installs the two missing packages, nothing else.
	out = mustRun(basePath, "./install.sh", "--with-jupyter")
	if got, want := aptLog(), "update -q\ninstall -y jupyter-client jupyter-console\n"; got != want {
		t.Errorf("apt-get calls:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(out, "Jupyter is incomplete") {
		t.Errorf("still incomplete after --with-jupyter:\n%s", out)
	}
	list := mustRun(basePath, "jupyter", "kernelspec", "list")
	if !strings.Contains(list, filepath.Join(home, ".local", "share", "jupyter", "kernels", "gopherlab")) {
		t.Errorf("jupyter kernelspec list:\n%s", list)
	}

	// The lessons are trusted for this user: their SVG outputs show.
	lesson := filepath.Join(root, "lessons", "01-processes.ipynb")
	if _, err := os.Stat(lesson); err == nil {
		check := `import sys, nbformat
from nbformat.sign import NotebookNotary
print(NotebookNotary().check_signature(nbformat.read(sys.argv[1], 4)))`
		if got := strings.TrimSpace(mustRun(basePath, "/usr/bin/python3", "-c", check, lesson)); got != "True" {
			t.Errorf("lesson not trusted for the user: %s", got)
		}
		if !strings.Contains(out, "lesson notebooks trusted") {
			t.Errorf("install.sh does not say it trusted the lessons:\n%s", out)
		}
	}

	// With the line install.sh printed, gopherlab is a command.
	userPath := filepath.Join(home, ".local", "bin") + ":" + basePath
	if out, err := run(basePath, "gopherlab", "version"); err == nil {
		t.Errorf("gopherlab found before the PATH line: %s", out)
	}
	nb := filepath.Join(state, "hello.ipynb")
	if err := os.WriteFile(nb, []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
 {"cell_type": "code", "id": "a", "metadata": {}, "execution_count": null, "outputs": [],
  "source": "import \"fmt\"\nfmt.Println(\"hello from gopherlab run\")"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(userPath, "gopherlab", "run", nb); !strings.Contains(out, "hello from gopherlab run") {
		t.Errorf("gopherlab run printed:\n%s", out)
	}

	// A rerun installs nothing more and says nothing is missing.
	out = mustRun(userPath, "./install.sh", "--with-jupyter")
	if strings.Count(aptLog(), "install -y") != 1 {
		t.Errorf("rerun ran apt-get again:\n%s", aptLog())
	}
	if strings.Contains(out, "missing") || strings.Contains(out, "not on your PATH") {
		t.Errorf("rerun output:\n%s", out)
	}
	n := 0
	for _, line := range strings.Split(mustRun(basePath, "jupyter", "kernelspec", "list"), "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "gopherlab" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d gopherlab kernelspecs after a rerun", n)
	}

	// --uninstall removes the binary and the kernelspec.
	out = mustRun(userPath, "./install.sh", "--uninstall")
	if _, err := os.Stat(filepath.Join(home, ".local", "bin", "gopherlab")); !os.IsNotExist(err) {
		t.Errorf("binary still there after --uninstall:\n%s", out)
	}
	if list := mustRun(basePath, "jupyter", "kernelspec", "list"); strings.Contains(list, "gopherlab") {
		t.Errorf("kernelspec still listed after --uninstall:\n%s", list)
	}
	// And a second --uninstall has nothing to do.
	if out := mustRun(userPath, "./install.sh", "--uninstall"); !strings.Contains(out, "nothing to remove") {
		t.Errorf("second --uninstall:\n%s", out)
	}
}
