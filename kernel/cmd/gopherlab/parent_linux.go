package main

import (
	"context"
	"os"

	"golang.org/x/sys/unix"
)

// waitExit returns true once one of pids has exited (or gone reports true
// after their pidfds are open: one exited before), false once ctx is done.
// The runtime's poller waits on the pidfds: no thread and no timer. It
// returns an error when it cannot wait that way (no pidfds on this system).
func waitExit(ctx context.Context, pids []int, gone func() bool) (bool, error) {
	if len(pids) == 0 {
		<-ctx.Done()
		return false, nil
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	ended := make(chan error, len(pids))
	for _, pid := range pids {
		fd, err := unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK)
		if err == unix.ESRCH {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		f := os.NewFile(uintptr(fd), "pidfd")
		files = append(files, f)
		rc, err := f.SyscallConn()
		if err != nil {
			return false, err
		}
		go func() {
			// A pidfd is readable once its process has exited.
			ended <- rc.Read(func(fd uintptr) bool {
				n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 0)
				return n > 0 || err != nil && err != unix.EINTR
			})
		}()
	}
	if gone() {
		return true, nil
	}
	select {
	case err := <-ended:
		if err != nil && ctx.Err() == nil {
			return false, err // not pollable here: look instead
		}
		return ctx.Err() == nil, nil
	case <-ctx.Done():
		return false, nil
	}
}
