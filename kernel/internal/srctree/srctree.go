// Package srctree finds the source tree gopherlab was built from: the
// directory of its go.mod. The kernel type-checks cells that import the
// packages compiled into it (runtime/mp, kernel/display) against their
// sources, and builds compiled workers against them.
//
// A binary built with -trimpath, as install.sh builds gopherlab, records
// no source paths, so the build passes the directory in:
//
//	go build -trimpath -ldflags "-X github.com/gopherlab/gopherlab/kernel/internal/srctree.dir=$PWD" ./kernel/cmd/gopherlab
//
// Otherwise (go test, go run) the directory comes from this file's path.
package srctree

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// dir is set at build time with -ldflags -X (see the package comment).
var dir string

// Dir returns the directory of the go.mod of the source tree gopherlab was
// built from, or "" when it is not there any more. It looks once.
func Dir() string { return found() }

var found = sync.OnceValue(func() string {
	if isTree(dir) {
		return dir
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		if d := filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", "..")); isTree(d) {
			return d
		}
	}
	return ""
})

// Flag returns the -ldflags -X setting that records d as the source tree.
func Flag(d string) string {
	return "-X github.com/gopherlab/gopherlab/kernel/internal/srctree.dir=" + d
}

func isTree(d string) bool {
	if d == "" || !filepath.IsAbs(d) {
		return false
	}
	_, err := os.Stat(filepath.Join(d, "go.mod"))
	return err == nil
}
