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
