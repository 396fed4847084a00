//go:build unix

package kernel

import (
	"fmt"
	"io"
	"log"
	"os"
	"runtime/debug"
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
		go s.forward(r, name)
	}
	return nil
}

// forward copies text from r to the session's stream name, never splitting
// a UTF-8 sequence between two writes.
func (s *Server) forward(r *os.File, name string) {
	buf := make([]byte, 64<<10)
	keep := 0
	for {
		n, err := r.Read(buf[keep:])
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
			keep = copy(buf, buf[end:n])
		}
		if err != nil {
			if err != io.EOF {
				s.log.Printf("forward %s: %v", name, err)
			}
			return
		}
	}
}
