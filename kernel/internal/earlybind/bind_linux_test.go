package earlybind

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

func TestKernelCommand(t *testing.T) {
	for _, tt := range []struct {
		cmdline, want string
		ok            bool
	}{
		{"gopherlab\x00kernel\x00/run/k.json\x00", "/run/k.json", true},
		{"/x/gopherlab\x00kernel\x00k.json\x00", "k.json", true},
		{"gopherlab\x00kernel\x00", "", false},
		{"gopherlab\x00kernel\x00-h\x00", "", false},
		{"gopherlab\x00kernel\x00a\x00b\x00", "", false},
		{"gopherlab\x00worker\x00k.json\x00", "", false},
		{"gopherlab\x00kernel\x00k.json", "", false},
		{"gopherlab\x00kernel\x00--debug\x00k.json\x00", "k.json", true},
		{"gopherlab\x00kernel\x00--debug\x00", "", false},
		{"gopherlab\x00kernel\x00--other\x00k.json\x00", "", false},
	} {
		got, ok := kernelCommand([]byte(tt.cmdline))
		if got != tt.want || ok != tt.ok {
			t.Errorf("kernelCommand(%q) = %q, %v; want %q, %v", tt.cmdline, got, ok, tt.want, tt.ok)
		}
	}
}

// freePorts returns five TCP ports free on 127.0.0.1 a moment ago.
func freePorts(t *testing.T) [5]int {
	var ports [5]int
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ports[i] = ln.Addr().(*net.TCPAddr).Port
	}
	return ports
}

func TestBindTCP(t *testing.T) {
	c := conn{"tcp", "127.0.0.1", freePorts(t)}
	fds := bindConn(c)
	if len(fds) != 5 {
		t.Fatalf("bound %d sockets, want 5", len(fds))
	}
	defer release(c, fds)
	for _, port := range c.ports {
		ep := "tcp://127.0.0.1:" + strconv.Itoa(port)
		fd, ok := fds[ep]
		if !ok {
			t.Fatalf("no socket for %s in %v", ep, fds)
		}
		if flags, err := fcntl(fd, syscall.F_GETFD); err != nil || flags&syscall.FD_CLOEXEC == 0 {
			t.Errorf("%s: not close-on-exec (flags %#x, %v): children would inherit it", ep, flags, err)
		}
		// The socket listens: a connection completes before anyone accepts.
		conn, err := net.Dial("tcp", ep[len("tcp://"):])
		if err != nil {
			t.Fatalf("dial %s: %v", ep, err)
		}
		conn.Close()
		// And it is bound to the address alone.
		if _, err := net.Listen("tcp", ep[len("tcp://"):]); err == nil {
			t.Errorf("%s: could listen again", ep)
		}
	}
}

func TestBindIPC(t *testing.T) {
	dir := t.TempDir()
	c := conn{"ipc", filepath.Join(dir, "k"), [5]int{1, 2, 3, 4, 5}}
	fds := bindConn(c)
	if len(fds) != 5 {
		t.Fatalf("bound %d sockets, want 5", len(fds))
	}
	for _, port := range c.ports {
		path := c.ip + "-" + strconv.Itoa(port)
		if _, ok := fds["ipc://"+path]; !ok {
			t.Fatalf("no socket for %s in %v", path, fds)
		}
		conn, err := net.Dial("unix", path)
		if err != nil {
			t.Fatalf("dial %s: %v", path, err)
		}
		conn.Close()
	}
	release(c, fds)
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("release left %d socket files", len(ents))
	}
}

// TestBindAllOrNothing checks that when one socket cannot be bound (its
// port is taken) none stays bound, so the kernel binds them itself and
// reports the error it always reported.
func TestBindAllOrNothing(t *testing.T) {
	ports := freePorts(t)
	taken, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(ports[3]))
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	if fds := bindConn(conn{"tcp", "127.0.0.1", ports}); fds != nil {
		t.Fatalf("bound %v with port %d taken", fds, ports[3])
	}
	for i, port := range ports {
		if i == 3 {
			continue
		}
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			t.Errorf("port %d still bound: %v", port, err)
			continue
		}
		ln.Close()
	}
	same := ports
	same[4] = same[0]
	if fds := bindConn(conn{"tcp", "127.0.0.1", same}); fds != nil {
		t.Errorf("bound %v with a port twice", fds)
	}
	if fds := bindConn(conn{"tcp", "::1", ports}); fds != nil {
		t.Errorf("bound %v for an IPv6 address", fds)
	}
}

func TestBindFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "kernel.json")
	if fds := bindFile(name); fds != nil {
		t.Errorf("bound %v for a missing file", fds)
	}
	os.WriteFile(name, []byte(`{"transport": "ipc", "ip": "`+filepath.Join(dir, "k")+
		`", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}`), 0o600)
	fds := bindFile(name)
	if len(fds) != 5 {
		t.Fatalf("bound %v, want 5 sockets", fds)
	}
	release(conn{transport: "ipc"}, fds)
	if Take() != nil {
		t.Error("Take returned sockets in a test binary, whose command line is not gopherlab kernel FILE")
	}
}

func fcntl(fd, cmd int) (int, error) {
	r, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), uintptr(cmd), 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
