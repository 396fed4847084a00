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
