package mp

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// conn is one end of a SOCK_SEQPACKET unix socket. Every send is one message
// that a single receive gets whole, even when several processes read the same
// socket, which is what Queue needs. Payloads larger than inlineMax travel in
// an anonymous memory file passed with the message, so messages have no size
// limit. Timeouts use poll(2), so goroutines with different deadlines can
// wait on the same conn.
type conn struct {
	mu      sync.RWMutex // write-locked by close, read-locked while the fd is in use
	f       *os.File
	fd      int
	wake    int // eventfd that close signals to stop waiters, or -1
	wakef   *os.File
	closing atomic.Bool
	closed  bool
}

const (
	inlineMax = 32 << 10 // largest payload sent inside the message itself
	maxFiles  = 250      // files per message (SCM_MAX_FD is 253)

	tagInline = 0 // payload follows the tag byte
	tagMemfd  = 1 // payload is the content of the message's first file
)

var (
	errTimeout = errors.New("mp: timed out")

	// ErrClosed is returned by methods of a [Queue] or [Conn] that this
	// process has closed.
	ErrClosed = errors.New("mp: use of a closed queue or connection")
	errClosed = ErrClosed
)

// newConnPair returns the two ends of a new socket pair, close-on-exec.
func newConnPair() (*conn, *conn, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("mp: create socket pair: %w", err)
	}
	return newConn(os.NewFile(uintptr(fds[0]), "mp-socket")), newConn(os.NewFile(uintptr(fds[1]), "mp-socket")), nil
}

// newConn wraps a socket file; the conn owns f.
func newConn(f *os.File) *conn {
	c := &conn{f: f, fd: -1, wake: -1}
	if efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err == nil {
		c.wake = efd
		c.wakef = os.NewFile(uintptr(efd), "mp-wake") // closed by GC if c is dropped
	}
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { c.fd = int(fd) })
	}
	return c
}

// file returns the socket's file, for passing to another process.
func (c *conn) file() *os.File { return c.f }

// close closes the socket, first waking goroutines waiting in send or
// recv, which return errClosed. Closing twice is a no-op.
func (c *conn) close() error {
	if c.closing.Swap(true) {
		return nil
	}
	if c.wake >= 0 {
		unix.Write(c.wake, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.wakef != nil {
		c.wakef.Close()
	}
	return c.f.Close()
}

// acquire read-locks c for using its fd; release with c.mu.RUnlock.
func (c *conn) acquire() error {
	c.mu.RLock()
	if c.closed || c.closing.Load() || c.fd < 0 {
		c.mu.RUnlock()
		return errClosed
	}
	return nil
}

// wait polls for events until the deadline (zero: no deadline).
func (c *conn) wait(events int16, deadline time.Time) error {
	for {
		ms := -1
		if !deadline.IsZero() {
			d := time.Until(deadline)
			if d <= 0 {
				return errTimeout
			}
			ms = int((d + time.Millisecond - 1) / time.Millisecond)
		}
		pfd := []unix.PollFd{{Fd: int32(c.fd), Events: events}, {Fd: int32(c.wake), Events: unix.POLLIN}}
		if c.wake < 0 {
			pfd = pfd[:1]
		}
		n, err := unix.Poll(pfd, ms)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("mp: poll: %w", err)
		}
		if c.closing.Load() {
			return errClosed
		}
		if n > 0 {
			return nil
		}
	}
}

// send sends payload and files as one message, waiting until the deadline
// (zero: no deadline) for room in the socket's buffer. The files stay owned
// by the caller.
func (c *conn) send(payload []byte, files []*os.File, deadline time.Time) error {
	if len(files) > maxFiles {
		return fmt.Errorf("mp: %d shared objects in one message; at most %d", len(files), maxFiles)
	}
	var buf []byte
	var fds []int
	if len(payload) <= inlineMax {
		buf = make([]byte, 1+len(payload))
		buf[0] = tagInline
		copy(buf[1:], payload)
	} else {
		mf, err := payloadFile(payload)
		if err != nil {
			return err
		}
		defer mf.Close()
		buf = []byte{tagMemfd}
		fds = append(fds, int(mf.Fd()))
	}
	for _, f := range files {
		fd, err := fileFd(f)
		if err != nil {
			return err
		}
		fds = append(fds, fd)
	}
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	if err := c.acquire(); err != nil {
		return err
	}
	defer c.mu.RUnlock()
	for {
		err := unix.Sendmsg(c.fd, buf, oob, nil, unix.MSG_DONTWAIT|unix.MSG_NOSIGNAL)
		switch err {
		case nil:
			runtime.KeepAlive(files)
			return nil
		case unix.EAGAIN:
			if err := c.wait(unix.POLLOUT, deadline); err != nil {
				return err
			}
		case unix.EINTR:
		case unix.EPIPE, unix.ECONNRESET:
			return io.EOF
		default:
			return fmt.Errorf("mp: send: %w", err)
		}
	}
}

// fileFd returns f's descriptor without changing its blocking mode (f.Fd
// would make it blocking).
func fileFd(f *os.File) (int, error) {
	if f == nil {
		return -1, errors.New("mp: nil file")
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("mp: file %s: %w", f.Name(), err)
	}
	fd := -1
	rc.Control(func(u uintptr) { fd = int(u) })
	return fd, nil
}

// payloadFile writes payload into a new anonymous memory file.
func payloadFile(payload []byte) (*os.File, error) {
	fd, err := unix.MemfdCreate("gopherlab-msg", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("mp: create message file: %w", err)
	}
	f := os.NewFile(uintptr(fd), "memfd:gopherlab-msg")
	if _, err := f.Write(payload); err != nil {
		f.Close()
		return nil, fmt.Errorf("mp: write message file: %w", err)
	}
	return f, nil
}

var recvBufs = sync.Pool{New: func() any { b := make([]byte, 1+inlineMax); return &b }}

// recv receives one message, waiting until the deadline (zero: no deadline).
// It returns io.EOF when the other end is closed. The caller owns the files.
func (c *conn) recv(deadline time.Time) ([]byte, []*os.File, error) {
	bp := recvBufs.Get().(*[]byte)
	defer recvBufs.Put(bp)
	buf := *bp
	oob := make([]byte, unix.CmsgSpace(4*(maxFiles+1)))
	if err := c.acquire(); err != nil {
		return nil, nil, err
	}
	var n, oobn int
	for {
		var err error
		n, oobn, _, _, err = unix.Recvmsg(c.fd, buf, oob, unix.MSG_DONTWAIT|unix.MSG_CMSG_CLOEXEC)
		if err == nil {
			break
		}
		if err == unix.EAGAIN {
			if err := c.wait(unix.POLLIN, deadline); err != nil {
				c.mu.RUnlock()
				return nil, nil, err
			}
			continue
		}
		if err == unix.EINTR {
			continue
		}
		c.mu.RUnlock()
		if err == unix.ECONNRESET {
			return nil, nil, io.EOF
		}
		return nil, nil, fmt.Errorf("mp: receive: %w", err)
	}
	c.mu.RUnlock()
	files, err := parseRights(oob[:oobn])
	if err != nil {
		return nil, nil, err
	}
	if n == 0 {
		closeFiles(files)
		return nil, nil, io.EOF
	}
	switch buf[0] {
	case tagInline:
		return append([]byte(nil), buf[1:n]...), files, nil
	case tagMemfd:
		if len(files) == 0 {
			return nil, nil, errors.New("mp: receive: message file missing")
		}
		mf := files[0]
		payload, err := readFile(mf)
		mf.Close()
		if err != nil {
			closeFiles(files[1:])
			return nil, nil, fmt.Errorf("mp: read message file: %w", err)
		}
		return payload, files[1:], nil
	default:
		closeFiles(files)
		return nil, nil, fmt.Errorf("mp: receive: bad message tag %d", buf[0])
	}
}

// readFile reads the whole of the memory file f, of a size known in
// advance, into one buffer.
func readFile(f *os.File) ([]byte, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return nil, err
	}
	b := make([]byte, st.Size)
	if _, err := f.ReadAt(b, 0); err != nil && err != io.EOF {
		return nil, err
	}
	return b, nil
}

func parseRights(oob []byte) ([]*os.File, error) {
	if len(oob) == 0 {
		return nil, nil
	}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, fmt.Errorf("mp: receive: %w", err)
	}
	var files []*os.File
	for _, m := range msgs {
		fds, err := unix.ParseUnixRights(&m)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			files = append(files, os.NewFile(uintptr(fd), "mp-shared"))
		}
	}
	return files, nil
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// deadlineAfter turns a timeout into a deadline; a negative d means none.
func deadlineAfter(d time.Duration) time.Time {
	if d < 0 {
		return time.Time{}
	}
	return time.Now().Add(d)
}
