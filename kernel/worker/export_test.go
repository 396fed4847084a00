package worker

// SparePid returns the pid of l's spare worker, or 0 if it has none.
func SparePid(l *Launcher) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.spare == nil {
		return 0
	}
	return l.spare.child.Pid()
}

// SpareExited reports whether l's spare worker has exited (and its output
// ended), as Child sees it.
func SpareExited(l *Launcher) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.spare == nil {
		return false
	}
	select {
	case <-l.spare.done:
		return true
	default:
		return false
	}
}

// Kept returns the number of workers l keeps ready and whether it keeps a
// spare.
func Kept(l *Launcher) (ready int, spare bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.warm), l.spare != nil
}

// Slots returns the number of machine slots l holds.
func Slots(l *Launcher) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.pol.slots)
}

// InPool returns p with its machine slots named after pool, so that a test
// does not share them with the kernels of the machine.
func InPool(p Policy, pool string) Policy {
	p.pool = pool
	return p
}

// Needed returns what a compiled worker for the declarations src is built
// from (the key of its build).
func Needed(l *Launcher, src string) string { return l.needed(src) }

// WarmPids returns the pids of the workers l keeps ready and of its spare.
func WarmPids(l *Launcher) []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	var pids []int
	for _, w := range l.warm {
		pids = append(pids, w.child.Pid())
	}
	if l.spare != nil {
		pids = append(pids, l.spare.child.Pid())
	}
	return pids
}

// SetStartedInBackground sets the function called with the pid of each
// worker started in the background, before the launcher knows it (nil:
// none).
func SetStartedInBackground(f func(pid int)) {
	if f == nil {
		startedInBackground.Store(nil)
		return
	}
	startedInBackground.Store(&f)
}

// Waiting returns how many Starts wait for a worker being started in the
// background.
func Waiting(l *Launcher) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, k := range l.waiting {
		n += k
	}
	return n
}
