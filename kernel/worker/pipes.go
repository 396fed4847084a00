package worker

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// cellPipes are the standard output and error shared by all processes a
// cell starts. One pipe for all keeps their writes in the order they made
// them, as when Python's children inherit one stdout: a line a process
// prints after taking a lock never shows before the line the previous holder
// printed before releasing it.
type cellPipes struct {
	outW, errW *os.File // the launcher's copies of the write ends; nil once closed
	out, err   *forwarder
}

// newCellPipes makes the pipes of a cell whose output goes to stdout and
// stderr.
func newCellPipes(stdout, stderr io.Writer) (*cellPipes, error) {
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("worker: cell output pipe: %w", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("worker: cell output pipe: %w", err)
	}
	p := &cellPipes{outW: outW, errW: errW, out: newForwarder(outR, stdout), err: newForwarder(errR, stderr)}
	return p, nil
}

// drain waits until what was written to the pipes so far has been
// forwarded.
func (p *cellPipes) drain() {
	p.out.drain()
	p.err.drain()
}

// closeWriters closes the launcher's write ends: the forwarders end when
// the processes holding the others have exited.
func (p *cellPipes) closeWriters() {
	if p.outW != nil {
		p.outW.Close()
		p.errW.Close()
		p.outW, p.errW = nil, nil
	}
}

// forwarder copies a pipe to a writer. Each read and the write of what it
// read happen under mu, so that drain can tell when the pipe is empty and
// nothing is in flight.
type forwarder struct {
	r    *os.File
	w    io.Writer
	mu   sync.Mutex
	n    int64         // bytes forwarded so far; under mu
	done chan struct{} // closed at end of file
}

func newForwarder(r *os.File, w io.Writer) *forwarder {
	f := &forwarder{r: r, w: w, done: make(chan struct{})}
	go f.run()
	return f
}

func (f *forwarder) run() {
	defer close(f.done)
	defer f.r.Close()
	rc, err := f.r.SyscallConn()
	if err != nil {
		io.Copy(f.w, f.r)
		return
	}
	buf := make([]byte, 32<<10)
	eof := false
	for !eof {
		err := rc.Read(func(fd uintptr) bool {
			f.mu.Lock()
			defer f.mu.Unlock()
			n, err := unix.Read(int(fd), buf)
			if n > 0 {
				f.w.Write(buf[:n])
				f.n += int64(n)
				return true
			}
			if err == unix.EAGAIN {
				return false // wait until readable
			}
			if err != unix.EINTR {
				eof = true // end of file or a real error
			}
			return true
		})
		if err != nil {
			return
		}
	}
}

// drain waits until what was in the pipe when it was called has been
// forwarded, or the forwarder has ended. Writes that come later do not
// delay it.
func (f *forwarder) drain() {
	f.mu.Lock()
	n, err := pending(f.r)
	target := f.n + int64(n)
	f.mu.Unlock()
	if err != nil || n == 0 {
		return
	}
	for i := 0; i < 10000; i++ {
		select {
		case <-f.done:
			return
		default:
		}
		f.mu.Lock()
		forwarded := f.n
		f.mu.Unlock()
		if forwarded >= target {
			return
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// pending returns the number of bytes waiting in the pipe r.
func pending(r *os.File) (int, error) {
	rc, err := r.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var ierr error
	if err := rc.Control(func(fd uintptr) { n, ierr = unix.IoctlGetInt(int(fd), unix.TIOCINQ) }); err != nil {
		return 0, err
	}
	return n, ierr
}

// sendFiles sends files over the unix socket conn (SCM_RIGHTS).
func sendFiles(conn *os.File, files ...*os.File) error {
	fds := make([]int, len(files))
	for i, f := range files {
		fds[i] = int(f.Fd())
	}
	rc, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = rc.Write(func(fd uintptr) bool {
		serr = unix.Sendmsg(int(fd), []byte{'f'}, unix.UnixRights(fds...), nil, 0)
		return serr != unix.EAGAIN
	})
	if err != nil {
		return err
	}
	return serr
}
