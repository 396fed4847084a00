package worker

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/goroot"
	"github.com/gopherlab/gopherlab/kernel/internal/srctree"
	"github.com/gopherlab/gopherlab/kernel/worker/compiler"
)

// Compiled workers.
//
// With a compiler ([Launcher.SetCompiler]), the launcher has the notebook's
// declarations built into a worker program with the Go compiler after each
// cell that changes them (in the background, at the lowest priority, cached
// by content: package compiler), and starts compiled workers for them as
// soon as one is built: the targets of processes then run as compiled Go.
// Until then, or when the declarations do not compile as a program, the
// interpreted worker serves. Both start from the notebook as it is at
// Start and report alike. A worker says which it is in its environment:
// GOPHERLAB_WORKER is "compiled" or "interpreted" (os.Getenv in a target).

// WorkerEnv names the environment variable that tells a target which kind
// of worker runs it: "compiled" or "interpreted".
const WorkerEnv = "GOPHERLAB_WORKER"

// CompiledEnv names the environment variable that turns compiled workers
// off when it is "0", and makes every Start wait for the compiled worker
// of the current declarations when it is "wait" (the kernel's tests run
// the process tests both ways).
const CompiledEnv = "GOPHERLAB_COMPILED_WORKERS"

// UseCompiler makes l build compiled workers with the go command and the
// gopherlab source tree the kernel was built from, keeping them in
// compiler.DefaultCache(), unless [CompiledEnv] is "0". It returns an error
// (and l keeps to interpreted workers) when they cannot be built here.
func (l *Launcher) UseCompiler() error {
	if os.Getenv(CompiledEnv) == "0" {
		return nil
	}
	b, err := compiler.NewBuilder(compiler.DefaultCache(), srctree.Dir(), goroot.GoCommand(), func(msg string) { l.logf("%s", msg) })
	if err != nil {
		return err
	}
	l.SetCompiler(b)
	l.mu.Lock()
	l.waitCompiled = os.Getenv(CompiledEnv) == "wait"
	l.mu.Unlock()
	return nil
}

// awaitCompiled waits, in "wait" mode, for the build of a compiled worker
// for src to end, and returns why it failed: a test of the compiled path
// must not pass on the interpreted one.
func (l *Launcher) awaitCompiled(src string) error {
	l.mu.Lock()
	b, wait := l.compiler, l.waitCompiled
	l.mu.Unlock()
	if b == nil || !wait {
		return nil
	}
	bd := b.Request(l.needed(src))
	select {
	case <-bd.Done():
	case <-time.After(5 * time.Minute):
		return errors.New("worker: the compiled worker took more than 5 minutes to build")
	}
	if bd.Err != nil {
		return fmt.Errorf("worker: the compiled worker did not build: %w", bd.Err)
	}
	return nil
}

// SetCompiler makes l start compiled workers built by b for the current
// declarations once they are built. Call it before the first process
// starts.
func (l *Launcher) SetCompiler(b *compiler.Builder) {
	l.mu.Lock()
	l.compiler = b
	l.mu.Unlock()
}

// requestBuild asks for a compiled worker for src, when the notebook uses
// package mp; once it is built, the workers kept ready are started again,
// compiled.
func (l *Launcher) requestBuild(src string) {
	l.mu.Lock()
	b := l.compiler
	asked := l.buildSrc == src
	l.buildSrc = src
	l.mu.Unlock()
	if b == nil || asked || !strings.Contains(src, `"`+MPPath+`"`) {
		return
	}
	bd := b.Request(l.needed(src))
	go func() {
		<-bd.Done()
		if bd.Bin == "" {
			return
		}
		l.logf("worker: compiled worker ready (program %v, build %v, cached %v)", bd.Generate, bd.Compile, bd.Cached)
		l.mu.Lock()
		var stale []*child
		keep := l.warm[:0]
		for _, w := range l.warm {
			if w.src == src && !w.compiled {
				stale = append(stale, w)
			} else {
				keep = append(keep, w)
			}
		}
		l.warm = keep
		// A kernel gone idle meanwhile (the policy ended its workers)
		// starts none until its next cell.
		restart := l.used && !l.pol.released
		l.mu.Unlock()
		closeAll(stale)
		if restart {
			l.Prestart()
		}
	}()
}

// settleBuild waits, at most settleWait, until the build of a compiled
// worker for src knows whether its binary was in the cache, asking for the
// build first. A cached binary is then ready, so that the processes a cell
// starts together (a Pool's workers) are all compiled, not some
// interpreted and the rest compiled once the build came back from the
// cache: their speeds differ tenfold.
func (l *Launcher) settleBuild(src string) {
	l.requestBuild(src)
	l.mu.Lock()
	b := l.compiler
	l.mu.Unlock()
	if b == nil {
		return
	}
	bd := b.Find(l.needed(src))
	if bd == nil {
		return
	}
	t := time.NewTimer(settleWait)
	defer t.Stop()
	select {
	case <-bd.Checked():
	case <-t.C:
	}
}

// settleWait bounds how long a Start waits for the cache to answer
// (making the program takes a few milliseconds).
const settleWait = 250 * time.Millisecond

// compiledFor reports whether a compiled worker is built for src: a new
// one starts faster than a spare rebuilds the declarations. l.mu is held.
func (l *Launcher) compiledFor(src string) bool {
	return l.compiler != nil && l.compiler.Binary(l.neededLocked(src)) != ""
}

// fits reports whether the worker w, started in advance, can run a target
// of the declarations src: an interpreted worker rebuilt exactly src; a
// compiled one has what src's functions need (compiler.Needed), which
// variables declared since by cells do not change. l.mu is held.
func (l *Launcher) fits(w *child, src string) bool {
	if w.compiled {
		return w.needed == l.neededLocked(src)
	}
	return w.src == src && !l.compiledFor(src) // once compiled, compiled
}

// neededIf returns what a compiled worker for src was built from, or "".
func (l *Launcher) neededIf(compiled bool, src string) string {
	if !compiled {
		return ""
	}
	return l.needed(src)
}

// needed returns compiler.Needed(src), with dropped errors wrapped (the
// source a compiled worker is built from), remembering the last one.
func (l *Launcher) needed(src string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.neededLocked(src)
}

func (l *Launcher) neededLocked(src string) string {
	if l.neededSrc[0] == src && src != "" {
		return l.neededSrc[1]
	}
	n := compiler.Needed(src)
	// The calls whose errors the declarations drop are wrapped, as for
	// an interpreted worker (lowerDecls), with the lines the //line
	// directives give.
	n = wrapUncheckedAt(n, n, parseLineMarks(hideLineDirectives(n)).where)
	l.neededSrc = [2]string{src, n}
	return n
}

// workerCommand returns the command of a worker for src: the compiled
// worker when one is built for src (and the worker is not a spare, which
// waits for declarations not known yet), else the interpreted one.
func (l *Launcher) workerCommand(src string, spare bool) (cmd *exec.Cmd, compiled bool) {
	l.mu.Lock()
	b := l.compiler
	l.mu.Unlock()
	if b != nil && !spare && src != "" {
		if bin := b.Binary(l.needed(src)); bin != "" {
			cmd := exec.Command(bin)
			cmd.Env = append(cmd.Environ(), WorkerEnv+"=compiled")
			return cmd, true
		}
	}
	cmd = l.cmd()
	cmd.Env = append(cmd.Environ(), WorkerEnv+"=interpreted")
	return cmd, false
}
