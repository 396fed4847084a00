package mp

import (
	"sync"
	"time"
)

// This file keeps a list of the processes this program started, with the
// moment each one ended, for the views ([View]) and timelines ([Timeline])
// that describe them: a lock holder that was killed held the lock until it
// ended, and only the parent, which reaped it, knows when that was.

// startedProc is one process this program started.
type startedProc struct {
	p     *Process
	seq   uint64    // order of Start, from 1
	ended time.Time // when it was reaped; zero while it runs (guarded by reg.mu)
}

// keepEnded is how many ended processes the registry remembers.
const keepEnded = 256

var reg struct {
	mu    sync.Mutex
	seq   uint64
	procs []*startedProc // in start order
	ended int            // how many of procs have ended
	hooks map[int]func(*Process)
	hook  int // the key of the last hook added
}

// onProcessEnd arranges for f to be called each time a process this
// program started ends, after Exited and ExitCode tell how and before
// Join, JoinTimeout or IsAlive do. It returns a function that removes f.
func onProcessEnd(f func(*Process)) (remove func()) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if reg.hooks == nil {
		reg.hooks = map[int]func(*Process){}
	}
	reg.hook++
	k := reg.hook
	reg.hooks[k] = f
	return func() {
		reg.mu.Lock()
		defer reg.mu.Unlock()
		delete(reg.hooks, k)
	}
}

// register records p, which has just started.
func register(p *Process) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.seq++
	reg.procs = append(reg.procs, &startedProc{p: p, seq: reg.seq})
}

// registerEnd records that p has ended, and tells the hooks, before Join
// or IsAlive can tell.
func registerEnd(p *Process) {
	now := time.Now()
	reg.mu.Lock()
	var hooks []func(*Process)
	for _, f := range reg.hooks {
		hooks = append(hooks, f)
	}
	forget(p, now)
	reg.mu.Unlock()
	for _, f := range hooks {
		f(p)
	}
}

// forget records when p ended and forgets the oldest ended process when
// there are too many; reg.mu is held.
func forget(p *Process, now time.Time) {
	for i := len(reg.procs) - 1; i >= 0; i-- {
		if e := reg.procs[i]; e.p == p {
			e.ended = now
			reg.ended++
			break
		}
	}
	if reg.ended <= keepEnded {
		return
	}
	// Forget the oldest ended process.
	for i, o := range reg.procs {
		if !o.ended.IsZero() {
			reg.procs = append(reg.procs[:i:i], reg.procs[i+1:]...)
			reg.ended--
			return
		}
	}
}

// regSeq returns the sequence number of the last process started.
func regSeq() uint64 {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	return reg.seq
}

// procInfo is what the registry knows of one started process.
type procInfo struct {
	p     *Process
	seq   uint64
	ended time.Time
}

// startedProcs returns what the registry knows of the processes this
// program started, in start order.
func startedProcs() []procInfo {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	out := make([]procInfo, 0, len(reg.procs))
	for _, e := range reg.procs {
		out = append(out, procInfo{e.p, e.seq, e.ended})
	}
	return out
}

// endedAt returns when the process with process id pid, started by this
// program, ended; ok is false when this program did not start it or it
// still runs. When a pid was used twice, the latest process counts.
func endedAt(pid int) (t time.Time, ok bool) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	for i := len(reg.procs) - 1; i >= 0; i-- {
		e := reg.procs[i]
		if e.p.pid == pid {
			return e.ended, !e.ended.IsZero()
		}
	}
	return time.Time{}, false
}

// procName returns the name of the process with process id pid as this
// program knows it: "MainProcess" (or this child's name) for itself, the
// name of a process it started, or "" when it does not know pid.
func procName(pid int) string {
	if pid == self.pid {
		return self.Name()
	}
	reg.mu.Lock()
	var p *Process
	for i := len(reg.procs) - 1; i >= 0 && p == nil; i-- {
		if e := reg.procs[i]; e.p.pid == pid {
			p = e.p
		}
	}
	reg.mu.Unlock()
	if p == nil {
		return ""
	}
	return p.Name() // not under reg.mu: Start holds p.mu while it registers
}
