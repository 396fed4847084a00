//go:build linux

package kernel

import (
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// captureStdio puts pipes over file descriptors 1 and 2 and forwards what
// arrives to the session's streams. The log moves to a duplicate of the
// original standard error, and so does the output of a fatal crash.
func (s *Server) captureStdio() error {
	saved, err := unix.Dup(2)
	if err != nil {
		return fmt.Errorf("kernel: capture stdio: dup stderr: %w", err)
	}
	unix.CloseOnExec(saved)
	logFile := os.NewFile(uintptr(saved), "stderr")
	if s.opts.Log == nil {
		s.log.SetOutput(logFile)
	}
	log.SetOutput(logFile) // libraries logging with package log
	if err := debug.SetCrashOutput(logFile, debug.CrashOptions{}); err != nil {
		s.log.Printf("set crash output: %v", err)
	}
	// Go prints a SIGQUIT goroutine dump to fd 2, which is now a pipe into
	// the cells: print it to the log instead, then exit as Go would.
	// (Without, the dump goes to the crash output, the log, too.)
	if s.opts.HandleSignals {
		quit := make(chan os.Signal, 1)
		signal.Notify(quit, syscall.SIGQUIT)
		go func() {
			<-quit
			buf := make([]byte, 8<<20)
			buf = buf[:runtime.Stack(buf, true)]
			s.log.Printf("SIGQUIT: goroutines:\n%s", buf)
			os.Exit(2)
		}()
	}
	for _, fd := range []int{1, 2} {
		r, w, err := os.Pipe()
		if err != nil {
			return fmt.Errorf("kernel: capture stdio: %w", err)
		}
		if err := unix.Dup2(int(w.Fd()), fd); err != nil {
			return fmt.Errorf("kernel: capture stdio: dup2 onto fd %d: %w", fd, err)
		}
		w.Close()
		name := "stdout"
		if fd == 2 {
			name = "stderr"
		}
		p, err := newCapturedPipe(r)
		if err != nil {
			return fmt.Errorf("kernel: capture stdio: %w", err)
		}
		s.pipes = append(s.pipes, p)
		go s.forward(p, name)
	}
	return nil
}

// capturedPipe is the read end of a pipe over fd 1 or 2.
type capturedPipe struct {
	r  *os.File
	rc syscall.RawConn // r's, to wait for text with the runtime's poller
	fd int             // r's descriptor, taken once: each r.Fd() is an fcntl
	mu sync.Mutex      // held by the forwarder while it hands text on
}

// newCapturedPipe returns r as a capturedPipe. r stays non-blocking (r.Fd
// would make it blocking), so that waiting for text takes no thread.
func newCapturedPipe(r *os.File) (*capturedPipe, error) {
	rc, err := r.SyscallConn()
	if err != nil {
		return nil, err
	}
	p := &capturedPipe{r: r, rc: rc}
	if err := rc.Control(func(fd uintptr) { p.fd = int(fd) }); err != nil {
		return nil, err
	}
	return p, nil
}

// syncStdio waits, up to 100ms, until text already written to the captured
// file descriptors has been handed to the session, so that a cell's own
// output precedes its end.
func (s *Server) syncStdio() {
	deadline := time.Now().Add(100 * time.Millisecond)
	for _, p := range s.pipes {
		for {
			n, err := unix.IoctlGetInt(p.fd, unix.TIOCINQ)
			if err != nil || n == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Microsecond)
		}
		p.mu.Lock()
		p.mu.Unlock() //nolint:staticcheck // waits for a write in progress
	}
}

// forward copies text from r to the session's stream name, never splitting
// a UTF-8 sequence between two writes.
func (s *Server) forward(p *capturedPipe, name string) {
	var held [utf8.UTFMax]byte // an incomplete UTF-8 sequence held back
	keep := 0
	for {
		// Wait for text without holding mu, and read it only under mu:
		// until the text is handed on it stays counted in the pipe
		// (TIOCINQ), so syncStdio never sees an empty pipe and a free
		// mutex while text is on its way.
		if err := p.waitReadable(); err != nil {
			s.log.Printf("forward %s: %v", name, err)
			return
		}
		p.mu.Lock()
		bp := forwardBufs.Get().(*[]byte)
		buf := *bp
		copy(buf, held[:keep])
		n, err := p.r.Read(buf[keep:])
		n += keep
		if n > 0 {
			end := n
			// Hold back an incomplete UTF-8 sequence at the end.
			for i := n - 1; i >= 0 && i >= n-utf8.UTFMax; i-- {
				if utf8.RuneStart(buf[i]) {
					if !utf8.FullRune(buf[i:n]) {
						end = i
					}
					break
				}
			}
			if end == 0 && n == len(buf) {
				end = n
			}
			if end > 0 {
				if _, werr := s.streamWriter(name).Write(buf[:end]); werr != nil {
					s.log.Printf("forward %s: %v", name, werr)
				}
			}
			keep = copy(held[:], buf[end:n])
		}
		forwardBufs.Put(bp)
		p.mu.Unlock()
		if err != nil {
			if err != io.EOF {
				s.log.Printf("forward %s: %v", name, err)
			}
			return
		}
	}
}

// forwardBufs are the read buffers of forward, taken only while there is
// text to read: an idle kernel keeps none (two 64 KiB buffers otherwise).
var forwardBufs = sync.Pool{New: func() any {
	b := make([]byte, 64<<10)
	return &b
}}

// waitReadable waits until the pipe has text to read, or its writers are
// gone, without reading it. The runtime's poller does the waiting (an idle
// kernel keeps no thread blocked for each pipe); a poll that does not block
// tells whether there is text.
func (p *capturedPipe) waitReadable() error {
	err := p.rc.Read(func(fd uintptr) bool {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 0)
		return n > 0 || err != nil && err != unix.EINTR
	})
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	return nil
}
