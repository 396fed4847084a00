package mp

import (
	"syscall"
	"time"
)

// ProcessTime returns the processor time the calling process has used so
// far, in user and system mode, like Python's time.process_time(). Time the
// process spends waiting — for a lock, for its turn on a busy processor, in
// time.Sleep — does not count, so the difference of two calls measures the
// work done in between, however busy the machine is. It is 0 where the
// system cannot tell. Notebook cells cannot import syscall; this is how a
// target measures itself.
func ProcessTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
