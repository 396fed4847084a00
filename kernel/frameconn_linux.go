//go:build linux

package kernel

import (
	"io"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// countingReader returns the reader of c's connection that counts in
// c.fromOS the bytes it reads. Each read(2) is made under c.rmu, so that
// for [frameConn.drained] a byte is always either in the operating
// system's buffer or counted, never on its way between the two.
func countingReader(c *frameConn) io.Reader {
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return afterReader{c}
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return afterReader{c}
	}
	return rawReader{c, rc}
}

type rawReader struct {
	c  *frameConn
	rc syscall.RawConn
}

func (r rawReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	var rerr error
	err := r.rc.Read(func(fd uintptr) bool {
		r.c.rmu.Lock()
		defer r.c.rmu.Unlock()
		for {
			n, rerr = unix.Read(int(fd), p)
			if rerr == unix.EINTR {
				continue
			}
			if rerr == unix.EAGAIN {
				return false // wait until readable
			}
			if n > 0 {
				r.c.fromOS += int64(n)
			}
			return true
		}
	})
	if err != nil {
		return 0, err // closed, or a deadline passed
	}
	if rerr != nil {
		return 0, &net.OpError{Op: "read", Net: r.c.LocalAddr().Network(), Source: r.c.LocalAddr(), Addr: r.c.RemoteAddr(), Err: os.NewSyscallError("read", rerr)}
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// osUnread returns how many bytes the operating system holds unread for
// c, 0 when it cannot tell.
func osUnread(c net.Conn) int {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return 0
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	rc.Control(func(fd uintptr) {
		n, err = unix.IoctlGetInt(int(fd), unix.SIOCINQ)
	})
	if err != nil {
		return 0
	}
	return n
}
