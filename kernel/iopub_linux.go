//go:build linux

package kernel

import (
	"errors"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// On Linux the socket accepts with accept4 under p.mu, from the accept
// loop and from waitSubscribers alike: a connection is either still in
// the listen backlog or registered as joining, never in between, so
// waitSubscribers cannot miss one that the loop has just taken.

// startAccepting starts the accept loop and returns the function that
// ends it. The loop waits for connections in the runtime's poller, on a
// non-blocking duplicate of the listening socket, not in a poll call: an
// idle kernel keeps no thread blocked for IOPub (a hub keeps hundreds of
// idle kernels).
func (p *pubSocket) startAccepting() (stop func()) {
	rc, err := rawListener(p.ln)
	if err != nil {
		return p.startAcceptingPortable()
	}
	dup := -1
	rc.Control(func(fd uintptr) {
		dup, err = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
	})
	if err != nil {
		return p.startAcceptingPortable()
	}
	if err := unix.SetNonblock(dup, true); err != nil {
		unix.Close(dup)
		return p.startAcceptingPortable()
	}
	f := os.NewFile(uintptr(dup), "iopub")
	frc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return p.startAcceptingPortable()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		// Read calls the function, and again each time the socket is
		// readable, until it returns true or f is closed.
		err := frc.Read(func(fd uintptr) bool {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.acceptAll(int(fd))
			return p.closed
		})
		if err != nil && !errors.Is(err, os.ErrClosed) {
			p.log("iopub: wait for connections: %v", err)
		}
	}()
	return func() { f.Close() }
}

// acceptBacklog registers the connections waiting in the listen backlog.
func (p *pubSocket) acceptBacklog() {
	rc, err := rawListener(p.ln)
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		p.mu.Lock()
		p.acceptAll(int(fd))
		p.mu.Unlock()
	})
}

// acceptAll accepts and registers every connection waiting on the
// listening socket fd. p.mu is held.
func (p *pubSocket) acceptAll(fd int) {
	for !p.closed {
		nfd, _, err := unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		if err == unix.EINTR || err == unix.ECONNABORTED {
			continue
		}
		if err != nil {
			if err != unix.EAGAIN {
				p.log("iopub: accept: %v", err)
			}
			return
		}
		f := os.NewFile(uintptr(nfd), "iopub")
		nc, err := net.FileConn(f)
		f.Close()
		if err != nil {
			p.log("iopub: accept: %v", err)
			continue
		}
		p.register(nc)
	}
}

// rawListener returns the raw connection of a TCP or Unix listener.
func rawListener(ln net.Listener) (syscall.RawConn, error) {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return nil, errNotRaw
	}
	return sc.SyscallConn()
}
