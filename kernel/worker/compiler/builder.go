package compiler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Builder builds worker programs with the go command, in the background,
// one at a time, cached by content: the binary of a program built before
// (by this kernel or an earlier one) is used at once. A request for newer
// declarations cancels the build of older ones. A Builder's methods are
// safe for concurrent use.
type Builder struct {
	cache   string // directory of the binaries, one subdirectory per program
	srcTree string // the gopherlab module the programs import
	goCmd   string
	ident   string // identity of the kernel's own build, part of every key
	keep    int    // binaries kept in the cache

	mu      sync.Mutex
	builds  map[string]*Build // by hash of the declarations
	order   []string          // keys of builds, oldest first
	current *Build            // the build running or waiting
	queue   chan *Build
	log     func(string)
}

// Build is one worker program: its binary once built, or why it could not
// be.
type Build struct {
	key     string
	src     string
	done    chan struct{}
	checked chan struct{}
	check   sync.Once
	ctx     context.Context
	cancel  context.CancelFunc

	// Set before done is closed.
	Bin      string        // the binary, "" when it failed
	Err      error         // why it failed
	Generate time.Duration // making the program
	Compile  time.Duration // go build (0 when the binary was in the cache)
	Cached   bool          // the binary was built before
}

// Done is closed when the build has ended.
func (b *Build) Done() <-chan struct{} { return b.done }

// Checked is closed once the build knows whether it needs the compiler:
// when the go command starts, or once Done is closed (the binary was in
// the cache, or the build failed or was superseded). A cached binary is
// ready a few milliseconds after the request.
func (b *Build) Checked() <-chan struct{} { return b.checked }

func (b *Build) markChecked() { b.check.Do(func() { close(b.checked) }) }

// ErrUnavailable is returned by [NewBuilder] when workers cannot be
// compiled here: no go command, or no source tree of gopherlab.
var ErrUnavailable = errors.New("compiler: compiled workers are not available")

// errSuperseded ends a build that newer declarations replaced.
var errSuperseded = errors.New("compiler: superseded by newer declarations")

// NewBuilder returns a Builder that keeps its binaries under cache and
// builds programs against the gopherlab source tree srcTree with the go
// command goCmd. log, if not nil, receives a line about each build.
func NewBuilder(cache, srcTree, goCmd string, log func(string)) (*Builder, error) {
	if goCmd == "" || srcTree == "" {
		return nil, ErrUnavailable
	}
	if _, err := os.Stat(filepath.Join(srcTree, "go.mod")); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, fmt.Errorf("compiler: %w", err)
	}
	if log == nil {
		log = func(string) {}
	}
	b := &Builder{
		cache: cache, srcTree: srcTree, goCmd: goCmd, ident: selfIdentity(), keep: 32,
		builds: map[string]*Build{}, queue: make(chan *Build, 64), log: log,
	}
	go b.loop()
	return b, nil
}

// DefaultCache is the directory NewBuilder's callers use for binaries:
// gopherlab/workers under the user's cache directory.
func DefaultCache() string {
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "gopherlab", "workers")
}

// Request returns the build of a worker for the declarations src (as
// session.Source returns them), starting it in the background if it is not
// built or being built. It never waits.
func (b *Builder) Request(src string) *Build {
	k := srcKey(src)
	b.mu.Lock()
	defer b.mu.Unlock()
	if bd := b.builds[k]; bd != nil {
		return bd
	}
	if b.current != nil && b.current.key != k {
		b.current.cancel() // newer declarations: the old ones are not needed
	}
	ctx, cancel := context.WithCancel(context.Background())
	bd := &Build{key: k, src: src, done: make(chan struct{}), checked: make(chan struct{}), ctx: ctx, cancel: cancel}
	b.builds[k] = bd
	b.order = append(b.order, k)
	if len(b.order) > 16 {
		old := b.order[0]
		b.order = b.order[1:]
		delete(b.builds, old)
	}
	b.current = bd
	b.queue <- bd
	return bd
}

// Find returns the build of a worker for src that was requested and has
// not failed, or nil. It starts nothing.
func (b *Builder) Find(src string) *Build {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.builds[srcKey(src)]
}

// Binary returns the binary of the worker for src when it is built, or "".
func (b *Builder) Binary(src string) string {
	b.mu.Lock()
	bd := b.builds[srcKey(src)]
	b.mu.Unlock()
	if bd == nil {
		return ""
	}
	select {
	case <-bd.done:
		return bd.Bin
	default:
		return ""
	}
}

func srcKey(src string) string {
	h := sha256.Sum256([]byte(src))
	return hex.EncodeToString(h[:16])
}

// loop runs the builds one at a time, skipping those cancelled.
func (b *Builder) loop() {
	for bd := range b.queue {
		b.run(bd)
		close(bd.done)
		bd.markChecked() // after done: a cached binary is ready when Checked says so
		b.mu.Lock()
		if b.current == bd {
			b.current = nil
		}
		if bd.Err != nil {
			delete(b.builds, bd.key) // a later request tries again
		}
		b.mu.Unlock()
	}
}

// run makes and builds the program of bd.
func (b *Builder) run(bd *Build) {
	if bd.ctx.Err() != nil {
		bd.Err = errSuperseded
		return
	}
	t0 := time.Now()
	prog, err := Program(bd.src)
	bd.Generate = time.Since(t0)
	if err != nil {
		bd.Err = err
		b.log(fmt.Sprintf("compiled worker: not built: %v", err))
		return
	}
	key := b.key(prog)
	bin := filepath.Join(b.cache, key, "worker")
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		now := time.Now()
		os.Chtimes(filepath.Dir(bin), now, now)
		bd.Bin, bd.Cached = bin, true
		return
	}
	bd.markChecked()
	t1 := time.Now()
	if err := b.compile(bd.ctx, prog, bin); err != nil {
		bd.Err = err
		if !errors.Is(err, errSuperseded) {
			b.log(fmt.Sprintf("compiled worker: build failed: %v", err))
		}
		return
	}
	bd.Compile = time.Since(t1)
	bd.Bin = bin
	b.log(fmt.Sprintf("compiled worker: built in %v (program %v): %s", bd.Compile.Round(time.Millisecond), bd.Generate.Round(time.Millisecond), bin))
	b.prune()
}

// key returns the cache key of a program.
func (b *Builder) key(program string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", b.ident, b.srcTree, program)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// compile builds program into bin in a module of its own that requires
// the gopherlab source tree, offline, at low priority.
func (b *Builder) compile(ctx context.Context, program, bin string) error {
	dir, err := os.MkdirTemp(b.cache, "build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sum, _ := os.ReadFile(filepath.Join(b.srcTree, "go.sum"))
	gomod := fmt.Sprintf("module gopherlab.worker\n\ngo %s\n\nrequire github.com/gopherlab/gopherlab v0.0.0\n\nreplace github.com/gopherlab/gopherlab => %s\n",
		goVersion(b.srcTree), b.srcTree)
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "main.go": []byte(program)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	tmp := filepath.Join(dir, "worker")
	cmd := exec.CommandContext(ctx, b.goCmd, "build", "-trimpath", "-o", tmp, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "CGO_ENABLED=0", "GOTOOLCHAIN=local")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("compiler: go build: %w", err)
	}
	// A build must not slow the cells down: it runs at the lowest
	// priority (the compiler and linker it starts inherit it).
	syscall.Setpriority(syscall.PRIO_PGRP, cmd.Process.Pid, 19)
	err = cmd.Wait()
	if ctx.Err() != nil {
		return errSuperseded
	}
	if err != nil {
		return fmt.Errorf("compiler: go build: %v: %s", err, strings.TrimSpace(out.String()))
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return err
	}
	return os.Rename(tmp, bin)
}

// goVersion returns the go directive of the module at dir.
func goVersion(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return strings.TrimPrefix(runtime.Version(), "go")
}

// prune removes the binaries used least recently beyond the number kept.
func (b *Builder) prune() {
	entries, err := os.ReadDir(b.cache)
	if err != nil {
		return
	}
	type dir struct {
		name string
		mod  time.Time
	}
	var dirs []dir
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), "build-") {
			continue
		}
		if fi, err := e.Info(); err == nil {
			dirs = append(dirs, dir{e.Name(), fi.ModTime()})
		}
	}
	if len(dirs) <= b.keep {
		return
	}
	sort.Slice(dirs, func(i, j int) bool { return dirs[i].mod.After(dirs[j].mod) })
	for _, d := range dirs[b.keep:] {
		os.RemoveAll(filepath.Join(b.cache, d.name))
	}
}

// selfIdentity identifies the running kernel binary, so that a kernel
// built from other sources does not use binaries built for another.
func selfIdentity() string {
	var st syscall.Stat_t
	if err := syscall.Stat("/proc/self/exe", &st); err != nil {
		return runtime.Version()
	}
	return fmt.Sprintf("%s %d:%d:%d:%d", runtime.Version(), st.Dev, st.Ino, st.Size, st.Mtim.Nano())
}
