package reliability

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest/zmqtest"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// TestRejectedMessages sends cells that would create a file, each with a
// broken signature, and replays of a good one, on shell and control and
// from a second client that never had the key: none runs, each is logged,
// and the kernel goes on serving.
func TestRejectedMessages(t *testing.T) {
	p := startKernel(t)
	c := zmqtest.NewClient(t, p.Conn)
	run(c, "import (\n\t\"fmt\"\n\t\"os\"\n)")
	dir := t.TempDir()
	other, err := wire.NewCodec("hmac-sha256", []byte("not the key"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		mangle func(c *zmqtest.Client, f [][]byte) [][]byte
	}{
		{"wrong signature", func(c *zmqtest.Client, f [][]byte) [][]byte { f[1] = bytes.Repeat([]byte("a"), 64); return f }},
		{"no signature", func(c *zmqtest.Client, f [][]byte) [][]byte { f[1] = nil; return f }},
		{"truncated signature", func(c *zmqtest.Client, f [][]byte) [][]byte { f[1] = f[1][:32]; return f }},
		{"signature of the empty message", func(c *zmqtest.Client, f [][]byte) [][]byte {
			f[1] = []byte("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
			return f
		}},
		{"tampered content", func(c *zmqtest.Client, f [][]byte) [][]byte {
			f[5] = []byte(strings.Replace(string(f[5]), "x", "y", 1))
			return f
		}},
		{"tampered header", func(c *zmqtest.Client, f [][]byte) [][]byte {
			f[2] = []byte(strings.Replace(string(f[2]), `"username"`, `"usernam3"`, 1))
			return f
		}},
		{"other key", func(c *zmqtest.Client, f [][]byte) [][]byte {
			m, err := other.Decode(f)
			if err == nil {
				t.Fatal("a codec with another key accepted the message")
			}
			m = &wire.Message{Header: wire.NewHeader(wire.ExecuteRequest, c.Session)}
			var ok bool
			m.Content, ok = contentOf(f)
			if !ok {
				t.Fatal("no content frame")
			}
			g, err := other.Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			return g
		}},
	}
	before := p.Count("bad or missing signature")
	sent := 0
	for i, tc := range cases {
		file := filepath.Join(dir, fmt.Sprintf("pwned%d", i))
		code := fmt.Sprintf("os.WriteFile(%q, []byte(\"x\"), 0o644)", file)
		_, frames := c.Message(wire.ExecuteRequest, zmqtest.ExecuteContent(code))
		c.SendFrames(c.Shell, tc.mangle(c, frames))
		_, frames = c.Message(wire.ExecuteRequest, zmqtest.ExecuteContent(code))
		c.SendFrames(c.Control, tc.mangle(c, frames))
		sent += 2
		// Shell is served in order: once this reply arrives, the bad
		// message has been dealt with. Control is checked below.
		id := c.Send(c.Shell, wire.KernelInfoRequest, map[string]any{})
		c.Reply(c.ShellCh, id, 20*time.Second)
		id = c.Send(c.Control, wire.KernelInfoRequest, map[string]any{})
		c.Reply(c.ControlCh, id, 20*time.Second)
		if _, err := os.Stat(file); err == nil {
			t.Errorf("%s: the kernel ran a cell with a bad signature", tc.name)
		}
	}
	if !p.WaitLog("bad or missing signature", before+sent) {
		t.Errorf("kernel log mentions %d dropped messages, want %d", p.Count("bad or missing signature")-before, sent)
	}
	badSig := p.Count("bad or missing signature") - before

	// Replays: the same signed frames again on shell, on control, and from
	// a second connection (an eavesdropper has no key but can copy bytes).
	file := filepath.Join(dir, "count")
	code := fmt.Sprintf("f, _ := os.OpenFile(%q, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); f.WriteString(\"x\"); f.Close()", file)
	m, frames := c.Message(wire.ExecuteRequest, zmqtest.ExecuteContent(code))
	c.SendFrames(c.Shell, frames)
	c.Reply(c.ShellCh, m.Header.MsgID, 30*time.Second)
	eve := zmqtest.Connect(t, p.Conn, false)
	replays := 0
	for _, s := range []struct {
		c  *zmqtest.Client
		ch chan *wire.Message
	}{{c, c.ShellCh}, {eve, eve.ShellCh}} {
		s.c.SendFrames(s.c.Shell, frames)
		s.c.SendFrames(s.c.Control, frames)
		replays += 2
		id := s.c.Send(s.c.Shell, wire.KernelInfoRequest, map[string]any{})
		s.c.Reply(s.ch, id, 20*time.Second)
		id = s.c.Send(s.c.Control, wire.KernelInfoRequest, map[string]any{})
		s.c.Reply(s.c.ControlCh, id, 20*time.Second)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "x" {
		t.Errorf("file = %q, %v; want one x (a replay must not run)", b, err)
	}
	if !p.WaitLog("replayed signature", replays) {
		t.Errorf("kernel log mentions %d replays, want %d", p.Count("replayed signature"), replays)
	}
	if err := c.Ping(10 * time.Second); err != nil {
		t.Errorf("kernel gone after the rejected messages: %v", err)
	}
	if out := run(c, `fmt.Println("still here")`); out != "still here\n" {
		t.Errorf("after the rejected messages, a cell printed %q, want \"still here\\n\"", out)
	}
	t.Logf("rejected: %d messages with a bad or missing signature (%d kinds, on shell and control), %d replays (%d logged); none ran",
		badSig, len(cases), replays, p.Count("replayed signature"))
}

// contentOf returns the content frame of signed frames.
func contentOf(f [][]byte) ([]byte, bool) {
	for i, b := range f {
		if string(b) == wire.Delimiter && i+5 < len(f) {
			return f[i+5], true
		}
	}
	return nil, false
}

// TestConstantTimeSignatureCheck checks in the source of package wire that
// signatures are compared with hmac.Equal or subtle.ConstantTimeCompare
// only: a comparison that stops at the first differing byte lets a client
// on the port find a valid signature byte by byte. Timing itself is not
// measured (the house rules forbid timed assertions).
func TestConstantTimeSignatureCheck(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(self), "..", "wire")
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	constant := 0
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok {
						return true
					}
					x, _ := sel.X.(*ast.Ident)
					if x == nil {
						return true
					}
					switch x.Name + "." + sel.Sel.Name {
					case "hmac.Equal", "subtle.ConstantTimeCompare":
						constant++
					case "bytes.Equal", "bytes.Compare", "strings.EqualFold", "bytes.EqualFold":
						for _, a := range n.Args {
							if mentionsSig(a) {
								t.Errorf("%s: signature compared with %s.%s, which is not constant-time", fset.Position(n.Pos()), x.Name, sel.Sel.Name)
							}
						}
					}
				case *ast.BinaryExpr:
					if (n.Op == token.EQL || n.Op == token.NEQ) && (mentionsSig(n.X) || mentionsSig(n.Y)) {
						t.Errorf("%s: signature compared with %s, which is not constant-time", fset.Position(n.Pos()), n.Op)
					}
				}
				return true
			})
		}
	}
	if constant == 0 {
		t.Error("package wire never calls hmac.Equal or subtle.ConstantTimeCompare")
	}
}

// mentionsSig reports whether e is (a conversion of) a variable whose name
// says it holds a signature or MAC.
func mentionsSig(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			l := strings.ToLower(id.Name)
			if l == "sig" || l == "want" || strings.Contains(l, "signature") || strings.Contains(l, "mac") && l != "hmac" {
				found = true
			}
		}
		if _, ok := n.(*ast.BasicLit); ok {
			return false
		}
		return true
	})
	return found
}

// TestBindsOnlyConnectionAddress checks in /proc/net/tcp{,6} that every
// TCP socket the kernel (or a child of it) listens on is on the
// connection file's address and one of its five ports.
func TestBindsOnlyConnectionAddress(t *testing.T) {
	p := startKernel(t)
	c := zmqtest.NewClient(t, p.Conn)
	run(c, `import "github.com/gopherlab/gopherlab/runtime/mp"`)
	run(c, "func hello() { println(\"hi\") }\nq := mp.NewProcess(hello)\nq.Start()\nq.Join()")
	ports := map[int]bool{p.Conn.ShellPort: true, p.Conn.IOPubPort: true, p.Conn.StdinPort: true, p.Conn.ControlPort: true, p.Conn.HBPort: true}
	pids := append([]int{p.Cmd.Process.Pid}, descendants(p.Cmd.Process.Pid)...)
	inodes := map[string]int{}
	for _, pid := range pids {
		dir := "/proc/" + strconv.Itoa(pid) + "/fd"
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			l, err := os.Readlink(filepath.Join(dir, e.Name()))
			if err == nil && strings.HasPrefix(l, "socket:[") {
				inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = pid
			}
		}
	}
	seen := map[int]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(table)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 10 || f[3] != "0A" { // 0A: LISTEN
				continue
			}
			pid, ours := inodes[f[9]]
			if !ours {
				continue
			}
			ip, port := parseProcAddr(t, f[1])
			if ip != p.Conn.IP || !ports[port] {
				t.Errorf("process %d listens on %s:%d, outside the connection file's %s and ports %v", pid, ip, port, p.Conn.IP, ports)
				continue
			}
			seen[port] = true
		}
	}
	if len(seen) != len(ports) {
		t.Errorf("kernel listens on ports %v, want all of %v", seen, ports)
	}
	t.Logf("listening sockets of the kernel and its %d children: %d, all on %s, ports of the connection file", len(pids)-1, len(seen), p.Conn.IP)
}

// parseProcAddr parses a /proc/net/tcp address such as 0100007F:1F90.
func parseProcAddr(t *testing.T, s string) (string, int) {
	host, port, ok := strings.Cut(s, ":")
	if !ok {
		t.Fatalf("bad address %q", s)
	}
	n, err := strconv.ParseUint(port, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	var ip []string
	if len(host) == 8 {
		for i := 6; i >= 0; i -= 2 { // little-endian on the machines we run on
			b, _ := strconv.ParseUint(host[i:i+2], 16, 8)
			ip = append(ip, strconv.Itoa(int(b)))
		}
		return strings.Join(ip, "."), int(n)
	}
	return "[" + host + "]", int(n)
}

// TestConnectionFileErrors starts the kernel on missing, unreadable and
// malformed connection files: each time it exits with a failure status and
// a message naming the problem, without a panic.
func TestConnectionFileErrors(t *testing.T) {
	bin := gopherlab(t)
	dir := t.TempDir()
	write := func(name, text string, mode os.FileMode) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		return f
	}
	_, good := zmqtest.WriteConn(t, t.TempDir(), "tcp")
	goodText, _ := os.ReadFile(good)
	cases := []struct {
		name string
		file string
		want string // in the message
	}{
		{"missing", filepath.Join(dir, "nope.json"), "no such file"},
		{"directory", dir, "is a directory"},
		{"empty", write("empty.json", "", 0o600), "connection file"},
		{"not json", write("text.json", "hello", 0o600), "connection file"},
		{"truncated", write("trunc.json", string(goodText[:len(goodText)/2]), 0o600), "connection file"},
		{"array", write("array.json", "[1,2]", 0o600), "connection file"},
		{"port is a string", write("port.json", strings.Replace(string(goodText), `"shell_port":`, `"shell_port":"x",  "x":`, 1), 0o600), "connection file"},
		{"unknown transport", write("udp.json", strings.Replace(string(goodText), `"tcp"`, `"udp"`, 1), 0o600), "transport"},
		{"no ip", write("noip.json", strings.Replace(string(goodText), `"127.0.0.1"`, `""`, 1), 0o600), "ip"},
		{"foreign ip", write("foreign.json", strings.Replace(string(goodText), `"127.0.0.1"`, `"192.0.2.1"`, 1), 0o600), "192.0.2.1"},
	}
	if os.Geteuid() != 0 {
		cases = append(cases, struct{ name, file, want string }{"unreadable", write("secret.json", string(goodText), 0o000), "permission denied"})
	} else {
		t.Log("running as root: the unreadable connection file case is skipped (root reads any file)")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, "kernel", tc.file)
			var out kerneltest.SyncBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("kernel still running 30 s after start on a bad connection file; output:\n%s", out.String())
			}
			msg := out.String()
			if err == nil {
				t.Errorf("kernel exited with status 0; output:\n%s", msg)
			}
			if strings.Contains(msg, "panic:") || strings.Contains(msg, "goroutine ") {
				t.Errorf("kernel panicked:\n%s", msg)
			}
			if !strings.Contains(strings.ToLower(msg), strings.ToLower(tc.want)) {
				t.Errorf("message does not mention %q:\n%s", tc.want, msg)
			}
			if strings.Contains(msg, "gopherlab: kernel: kernel:") {
				t.Errorf("message repeats its prefix:\n%s", msg)
			}
			t.Logf("%s", strings.TrimSpace(msg))
		})
	}
}

// TestSharedMemoryPrivate creates locks, values, arrays and a queue in a
// cell and in a child, then checks the kernel's and the child's open files
// and mappings: shared memory is anonymous (memfd) or an unlinked 0600
// file, and nothing new appears in /dev/shm.
func TestSharedMemoryPrivate(t *testing.T) {
	p := startKernel(t)
	c := zmqtest.NewClient(t, p.Conn)
	shmBefore := shmEntries()
	run(c, `import "github.com/gopherlab/gopherlab/runtime/mp"`)
	run(c, `import "time"`)
	run(c, "func hold(l *mp.Lock, v *mp.Value, a *mp.Array) { l.Lock(); v.Add(1); l.Unlock(); time.Sleep(time.Hour) }")
	run(c, "l := mp.NewLock()\nv := mp.NewValue(\"i\", 0)\na := mp.NewArray(\"d\", 10)\nq := mp.NewProcess(hold, l, v, a)\nq.SetDaemon(true)\nq.Start()\nfor v.Load() == 0 { time.Sleep(time.Millisecond) }\nprintln(q.Pid())")
	pids := append([]int{p.Cmd.Process.Pid}, descendants(p.Cmd.Process.Pid)...)
	memfds := 0
	for _, pid := range pids {
		dir := "/proc/" + strconv.Itoa(pid) + "/fd"
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			l, err := os.Readlink(filepath.Join(dir, e.Name()))
			if err != nil {
				continue
			}
			switch {
			case strings.HasPrefix(l, "/memfd:"):
				memfds++
			case strings.HasPrefix(l, "/dev/shm/"):
				var st os.FileInfo
				st, err = os.Stat(filepath.Join(dir, e.Name()))
				if !strings.HasSuffix(l, " (deleted)") {
					t.Errorf("process %d has %s open, still linked in /dev/shm", pid, l)
				}
				if err == nil && st.Mode().Perm()&0o077 != 0 {
					t.Errorf("process %d has %s open with mode %v, want 0600", pid, l, st.Mode().Perm())
				}
			}
		}
		maps, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/maps")
		for _, line := range strings.Split(string(maps), "\n") {
			if i := strings.Index(line, "/dev/shm/"); i >= 0 && !strings.HasSuffix(line, "(deleted)") {
				t.Errorf("process %d maps %s, still linked in /dev/shm", pid, line[i:])
			}
		}
	}
	if memfds == 0 {
		t.Errorf("no memfd open in the kernel or its %d children: where is the shared memory?", len(pids)-1)
	}
	for name := range shmEntries() {
		if !shmBefore[name] {
			t.Errorf("new /dev/shm entry %s", name)
		}
	}
	t.Logf("shared memory: %d memfd descriptors in the kernel and %d children, no /dev/shm entry", memfds, len(pids)-1)
}
