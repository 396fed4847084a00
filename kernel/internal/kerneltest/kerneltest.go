// Package kerneltest holds what the kernel's tests share to run the real
// gopherlab binary: building and installing it once per test binary, the
// check that Jupyter is installed, and a buffer for a process's output.
// It is for tests only and imports nothing of gopherlab, so that every
// package's tests (even kernel/session's internal ones) may use it.
//
// The Jupyter client written in Go, and kernel processes started on a
// fresh connection file, are in package [zmqtest].
package kerneltest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/internal/srctree"
)

// Jupyter is the path of the jupyter command the tests use: Jupyter comes
// from Debian packages, and the python3 first on PATH may be another
// interpreter without it.
const Jupyter = "/usr/bin/jupyter"

// HasJupyter reports whether [Jupyter] is installed.
func HasJupyter() bool {
	_, err := os.Stat(Jupyter)
	return err == nil
}

// NeedJupyter skips t under -short or when [Jupyter] is absent, saying why
// and how to install it. what says what the test does, for the message.
func NeedJupyter(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("%s; skipped under -short", what)
	}
	if !HasJupyter() {
		t.Skipf("%s, but %s is absent: install Jupyter from Debian (./install.sh --with-jupyter)", what, Jupyter)
	}
}

// cmdPath is the import path of the gopherlab command.
const cmdPath = "github.com/gopherlab/gopherlab/kernel/cmd/gopherlab"

var shared struct {
	mu        sync.Mutex
	dir       string // PREFIX: the binary is PREFIX/bin/gopherlab
	built     bool
	installed bool
	err       error
}

// Install builds the gopherlab binary (as install.sh does) into prefix/bin and installs its
// kernelspec with `gopherlab install --prefix prefix`, so that Jupyter
// finds the kernel in prefix/share/jupyter/kernels/gopherlab when
// JUPYTER_PATH is prefix/share/jupyter. It returns the binary's path.
func Install(t testing.TB, prefix string) string {
	t.Helper()
	bin, err := build(prefix)
	if err == nil {
		err = install(bin, prefix)
	}
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func build(prefix string) (string, error) {
	bin := filepath.Join(prefix, "bin", "gopherlab")
	// As install.sh builds it: static, which starts faster.
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", srctree.Flag(srctree.Dir()), "-o", bin, cmdPath)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

func install(bin, prefix string) error {
	if out, err := exec.Command(bin, "install", "--prefix", prefix).CombinedOutput(); err != nil {
		return fmt.Errorf("gopherlab install: %v\n%s", err, out)
	}
	return nil
}

// Binary returns the gopherlab binary of this test binary, building it on
// first use; it skips the test under -short. A benchmark gets
// $GOPHERLAB_BENCH_BIN instead when it is set, to measure another build
// (an older one, say). Packages that call it (or [Prefix]) remove it in
// TestMain with [Main].
func Binary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and starts the gopherlab binary; skipped under -short")
	}
	if _, ok := t.(*testing.B); ok {
		if bin := os.Getenv("GOPHERLAB_BENCH_BIN"); bin != "" {
			return bin
		}
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if err := sharedBuild(); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(shared.dir, "bin", "gopherlab")
}

// Prefix returns the prefix into which the gopherlab binary of this test
// binary is installed (see [Install]), building and installing it on first
// use.
func Prefix(t testing.TB) string {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	err := sharedBuild()
	if err == nil && !shared.installed {
		err = install(filepath.Join(shared.dir, "bin", "gopherlab"), shared.dir)
		shared.installed = err == nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return shared.dir
}

// sharedBuild builds the shared binary once; a failure is reported to
// every caller. shared.mu is held.
func sharedBuild() error {
	if shared.built || shared.err != nil {
		return shared.err
	}
	dir, err := os.MkdirTemp("", "gopherlab-test-")
	if err != nil {
		shared.err = err
		return err
	}
	shared.dir = dir
	_, shared.err = build(dir)
	shared.built = shared.err == nil
	return shared.err
}

// Main runs the tests, removes what [Binary] and [Prefix] built and exits
// with the tests' status. Call it from TestMain.
//
// Processes started from cells run in interpreted workers unless a test
// says otherwise (GOPHERLAB_COMPILED_WORKERS=wait runs them compiled, "0"
// interpreted): a background build finishing at a random moment would
// make a test take either path.
func Main(m *testing.M) {
	if os.Getenv("GOPHERLAB_COMPILED_WORKERS") == "" {
		os.Setenv("GOPHERLAB_COMPILED_WORKERS", "0")
	}
	code := m.Run()
	shared.mu.Lock()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	shared.mu.Unlock()
	os.Exit(code)
}

// SyncBuffer is a bytes.Buffer safe for concurrent use, for the output of
// a process. The zero value is an empty buffer ready to use. A SyncBuffer
// must not be copied after first use.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Running reports whether pid is a live process (not gone, not a zombie).
func Running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z' && s[i+2] != 'X'
	}
	return true
}
