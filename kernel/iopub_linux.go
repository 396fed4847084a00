//go:build linux

package kernel

import (
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
// ends it.
func (p *pubSocket) startAccepting() (stop func()) {
	rc, err := rawListener(p.ln)
	if err != nil {
		return p.startAcceptingPortable()
	}
	// The loop waits in poll for a connection or for a byte on wake.
	wakeR, wakeW, err := os.Pipe()
	if err != nil {
		return p.startAcceptingPortable()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer wakeR.Close()
		wfd := int32(wakeR.Fd())
		rc.Control(func(fd uintptr) {
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: wfd, Events: unix.POLLIN}}
			for {
				if _, err := unix.Poll(fds, -1); err != nil && err != unix.EINTR {
					p.log("iopub: poll: %v", err)
					return
				}
				if fds[1].Revents != 0 {
					return
				}
				if fds[0].Revents != 0 {
					p.mu.Lock()
					p.acceptAll(int(fd))
					p.mu.Unlock()
				}
			}
		})
	}()
	return func() {
		wakeW.Write([]byte{0})
		wakeW.Close()
	}
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
