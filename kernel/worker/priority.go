package worker

import (
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// Priorities of workers.
//
// A worker started in advance (a ready one, the spare) is speculative
// work: it starts at a lower priority (SCHED_IDLE, and [backgroundNice]
// above the kernel's nice value), so that the declarations it rebuilds do
// not slow down the cell the learner waits for, nor another learner's on
// a shared machine: any other process that wakes up takes the processor
// from it at once. A Start that hands it out gives it the kernel's
// priority back before its target runs, and so does a Start that waits
// for it to be ready (on a busy machine it would otherwise wait for the
// machine's idle moments). Only where that is allowed: a process may raise
// its priority again only with CAP_SYS_NICE or an RLIMIT_NICE that lets it
// (JupyterHub, as set up by kernel/hub, gives the learners' processes
// one); elsewhere workers start at the kernel's priority.

// backgroundNice is how much nicer than the kernel a worker started in
// advance is until it is handed out.
const backgroundNice = 10

// kernelNice returns the kernel's nice value (its threads share one; read
// once, from the first caller's), and whether a worker made nicer than it
// may be given it back.
var kernelNice = sync.OnceValues(func() (int, bool) {
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, 0)
	if err != nil {
		return 0, false
	}
	nice := 20 - prio // the system call's value, not nice(2)'s
	if os.Geteuid() == 0 {
		return nice, true
	}
	var r unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NICE, &r) != nil {
		return nice, false
	}
	// setrlimit(2): the nice value may be lowered to 20 - RLIMIT_NICE.
	return nice, r.Cur == unix.RLIM_INFINITY || 20-int64(r.Cur) <= int64(nice)
})

// toBackground gives every thread of the process pid, just started, the
// background priority, and reports whether it did: only where the
// kernel's can be given back. (The process cannot inherit it: a worker
// dies with the thread that started it, Pdeathsig, so that thread cannot
// be one made nicer for the purpose and ended after.)
func toBackground(pid int) bool {
	nice, back := kernelNice()
	if !back {
		return false
	}
	setSched(pid, unix.SCHED_IDLE, min(nice+backgroundNice, 19))
	return true
}

// toForeground gives every thread of the process pid the kernel's
// priority.
func toForeground(pid int) {
	nice, _ := kernelNice()
	setSched(pid, unix.SCHED_NORMAL, nice)
}

// setSched sets the scheduling policy and nice value of every thread of
// pid. Twice over the threads: one started meanwhile by a thread not yet
// changed would keep the old ones (a thread starts with its creator's).
func setSched(pid int, policy uint32, nice int) {
	dir := "/proc/" + strconv.Itoa(pid) + "/task"
	for range 2 {
		tasks, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		for _, t := range tasks {
			if tid, err := strconv.Atoi(t.Name()); err == nil {
				// The nice value first: sched_setattr(2) sets it only
				// with SCHED_OTHER (SCHED_IDLE ignores it, but top shows it).
				unix.Setpriority(unix.PRIO_PROCESS, tid, nice)
				unix.SchedSetAttr(tid, &unix.SchedAttr{Policy: policy, Nice: int32(nice)}, 0)
			}
		}
	}
}
