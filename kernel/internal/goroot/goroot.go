// Package goroot finds the installed Go, whose sources and go command the
// kernel uses to type-check and document the standard library.
//
// A binary built with -trimpath, as install.sh builds gopherlab, records no
// GOROOT of its own (runtime.GOROOT and go/build's Default.GOROOT are
// empty), so the kernel asks, in order: $GOROOT, `go env GOROOT` with the
// go command on PATH, and the GOROOT the binary was built with.
package goroot

import (
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Dir returns the root of the installed Go, a directory holding src/fmt,
// or "" if there is none. It looks once and remembers.
func Dir() string { return dir() }

var dir = sync.OnceValue(func() string {
	if d := os.Getenv("GOROOT"); isRoot(d) {
		return d
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); isRoot(d) {
			return d
		}
	}
	//lint:ignore SA1019 the binary's own GOROOT is the last resort
	for _, d := range []string{runtime.GOROOT(), build.Default.GOROOT} {
		if isRoot(d) {
			return d
		}
	}
	return ""
})

func isRoot(d string) bool {
	if d == "" {
		return false
	}
	fi, err := os.Stat(filepath.Join(d, "src", "fmt"))
	return err == nil && fi.IsDir()
}

// GoCommand returns the go command of Dir, or the one on PATH, or "".
func GoCommand() string {
	if d := Dir(); d != "" {
		if p := filepath.Join(d, "bin", "go"); isExecutable(p) {
			return p
		}
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}
