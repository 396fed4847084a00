// Package zmqtest drives a gopherlab kernel as a Jupyter front end does,
// for tests: it writes connection files, starts kernel processes on them
// and talks to the kernel with a small client over zmq4 DEALER, SUB and
// REQ sockets. It is for tests only.
package zmqtest

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// FreePorts returns n distinct free TCP ports on 127.0.0.1.
func FreePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports
}

// WriteConn writes a connection file with a fresh key into dir, for
// transport "tcp" (free ports on 127.0.0.1) or "ipc" (sockets in dir), and
// returns its contents and path.
func WriteConn(t testing.TB, dir, transport string) (kernel.ConnectionInfo, string) {
	t.Helper()
	conn := kernel.ConnectionInfo{Transport: transport, Key: wire.NewID(), SignatureScheme: "hmac-sha256"}
	var ports []int
	switch transport {
	case "tcp":
		conn.IP = "127.0.0.1"
		ports = FreePorts(t, 5)
	case "ipc":
		conn.IP = filepath.Join(dir, "k")
		ports = []int{1, 2, 3, 4, 5}
	default:
		t.Fatalf("zmqtest: unknown transport %q", transport)
	}
	conn.ShellPort, conn.IOPubPort, conn.StdinPort, conn.ControlPort, conn.HBPort = ports[0], ports[1], ports[2], ports[3], ports[4]
	cf := filepath.Join(dir, "kernel.json")
	cb, err := json.Marshal(conn)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cf, cb, 0o600); err != nil {
		t.Fatal(err)
	}
	return conn, cf
}

// Proc is a kernel process. Its methods are for the test's goroutine.
type Proc struct {
	Cmd  *exec.Cmd
	Log  *kerneltest.SyncBuffer // standard output and error
	Conn kernel.ConnectionInfo

	done   chan error
	exited bool
	err    error
}

// Start starts argv (a kernel serving conn) in dir. When t ends the
// process is killed, and its log is printed if t failed.
func Start(t testing.TB, conn kernel.ConnectionInfo, dir string, argv ...string) *Proc {
	t.Helper()
	p := &Proc{Cmd: exec.Command(argv[0], argv[1:]...), Log: &kerneltest.SyncBuffer{}, Conn: conn, done: make(chan error, 1)}
	p.Cmd.Dir = dir
	p.Cmd.Stdout, p.Cmd.Stderr = p.Log, p.Log
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.Cmd.Wait() }()
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("kernel log:\n%s", p.Log.String())
		}
	})
	return p
}

// StartKernel starts `bin kernel CONNECTION_FILE` on a fresh tcp
// connection file.
func StartKernel(t testing.TB, bin string) *Proc {
	t.Helper()
	dir := t.TempDir()
	conn, cf := WriteConn(t, dir, "tcp")
	return Start(t, conn, dir, bin, "kernel", cf)
}

// Kill kills the kernel with SIGKILL (if it still runs) and waits for it.
func (p *Proc) Kill() {
	if p.exited {
		return
	}
	p.Cmd.Process.Kill()
	p.err, p.exited = <-p.done, true
}

// Wait waits up to d for the kernel to exit; it returns the error of its
// exit and whether it exited.
func (p *Proc) Wait(d time.Duration) (error, bool) {
	if p.exited {
		return p.err, true
	}
	select {
	case err := <-p.done:
		p.err, p.exited = err, true
		return err, true
	case <-time.After(d):
		return nil, false
	}
}

// Count returns how many times text occurs in the kernel's log.
func (p *Proc) Count(text string) int { return strings.Count(p.Log.String(), text) }

// WaitLog waits up to 5 s until text occurs n times in the kernel's log
// (its standard error is copied asynchronously).
func (p *Proc) WaitLog(text string, n int) bool {
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(10 * time.Millisecond) {
		if p.Count(text) >= n {
			return true
		}
	}
	return false
}
