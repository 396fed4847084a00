package lower

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/internal/goroot"
)

// The type information of the standard library comes from the export data
// the go command keeps in its build cache; go list -export tells where.
// What it told is kept in a file of the user's cache directory, so that a
// machine runs go list once per Go installation and build cache, not once
// per kernel: each run costs about 0.1 s of processor time, 41 s in all
// for a class of 60 learners with six kernels each.

// exportFiles maps import paths to their export data files in the build
// cache; guarded by srcImporter's lock.
var exportFiles = make(map[string]string)

// exportsLoaded reports whether exportFiles holds what the file of
// exportsFile had; guarded by srcImporter's lock.
var exportsLoaded bool

// lookupExport finds the export data of a standard library package. One
// go list run reports the package and all its dependencies, so a cold
// import costs one run of the go command. srcImporter's lock is held.
func lookupExport(path string) (io.ReadCloser, error) {
	loadExportsLocked()
	if f := exportFiles[path]; f != "" {
		if r, err := os.Open(f); err == nil {
			return r, nil
		}
		// Removed from the build cache since it was listed (go clean
		// -cache, or the cache trimmed): list again.
	}
	if err := listExports(path); err != nil {
		return nil, err
	}
	if f := exportFiles[path]; f != "" {
		return os.Open(f)
	}
	return nil, fmt.Errorf("lower: no export data for %s", path)
}

// goListRuns counts the runs of go list, for tests; guarded by
// srcImporter's lock.
var goListRuns int

// listExports records in exportFiles the export data of the standard
// library packages paths and their dependencies, with one run of the go
// command, and saves exportFiles for the next kernels. srcImporter's lock
// is held.
func listExports(paths ...string) error {
	goListRuns++
	goCmd, root := goroot.GoCommand(), goroot.Dir()
	if goCmd == "" || root == "" {
		return errors.New("lower: no go command")
	}
	args := append([]string{"list", "-e", "-deps", "-export", "-f", "{{.ImportPath}}\t{{.Export}}"}, paths...)
	cmd := exec.Command(goCmd, args...)
	cmd.Dir = filepath.Join(root, "src")
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("lower: go list %s: %w", strings.Join(paths, " "), err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if p, f, ok := strings.Cut(line, "\t"); ok && f != "" {
			exportFiles[p] = f
		}
	}
	saveExportsLocked()
	return nil
}

// exportsFile returns the file that keeps exportFiles for the go command
// of this kernel and its build cache, or "" when there is no cache
// directory. Its name depends on all that decides what go list answers:
// the Go installation and its version, the build cache, the environment
// the go command reads.
func exportsFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	root := goroot.Dir()
	version, _ := os.ReadFile(filepath.Join(root, "VERSION"))
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", root, version, goroot.GoCommand(), runtime.GOARCH)
	for _, v := range []string{"GOCACHE", "GOFLAGS", "GOOS", "GOARCH", "GOEXPERIMENT", "GOTOOLCHAIN", "GOENV", "HOME", "XDG_CACHE_HOME"} {
		fmt.Fprintf(h, "\x00%s=%s", v, os.Getenv(v))
	}
	return filepath.Join(dir, "gopherlab", fmt.Sprintf("std-exports-%x.tsv", h.Sum(nil)[:8]))
}

// loadExportsLocked reads the saved exportFiles once. srcImporter's lock
// is held.
func loadExportsLocked() {
	if exportsLoaded {
		return
	}
	exportsLoaded = true
	name := exportsFile()
	if name == "" {
		return
	}
	f, err := os.Open(name)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if p, file, ok := strings.Cut(sc.Text(), "\t"); ok && file != "" && exportFiles[p] == "" {
			exportFiles[p] = file
		}
	}
}

// saveExportsLocked writes exportFiles for the next kernels, through a
// temporary file so that a kernel never reads half of it. A cache
// directory that cannot be written only means go list runs again next
// time. srcImporter's lock is held.
func saveExportsLocked() {
	name := exportsFile()
	if name == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".std-exports-*")
	if err != nil {
		return
	}
	w := bufio.NewWriter(tmp)
	for p, file := range exportFiles {
		fmt.Fprintf(w, "%s\t%s\n", p, file)
	}
	if w.Flush() != nil || tmp.Close() != nil || os.Rename(tmp.Name(), name) != nil {
		os.Remove(tmp.Name())
	}
}
