package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// binary is the gopherlab binary built once for the package by TestMain.
var binary string

func TestMain(m *testing.M) {
	code := func() int {
		dir, err := os.MkdirTemp("", "gopherlab-reliability-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		binary = filepath.Join(dir, "gopherlab")
		return m.Run()
	}()
	os.Exit(code)
}

var build struct {
	once sync.Once
	err  error
}

// gopherlab builds the binary (once) and returns its path. It skips the
// test under -short.
func gopherlab(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and starts the gopherlab binary; skipped under -short")
	}
	build.once.Do(func() {
		out, err := exec.Command("go", "build", "-o", binary, "github.com/gopherlab/gopherlab/kernel/cmd/gopherlab").CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return binary
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// proc is a running kernel process.
type proc struct {
	cmd    *exec.Cmd
	log    *syncBuffer
	conn   kernel.ConnectionInfo
	done   chan error
	exited bool
}

// freePorts returns n free TCP ports on 127.0.0.1.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	var ls []net.Listener
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// writeConn writes a fresh tcp connection file on 127.0.0.1 into dir.
func writeConn(t testing.TB, dir string) (kernel.ConnectionInfo, string) {
	t.Helper()
	conn := kernel.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", Key: wire.NewID(), SignatureScheme: "hmac-sha256"}
	ports := freePorts(t, 5)
	conn.ShellPort, conn.IOPubPort, conn.StdinPort, conn.ControlPort, conn.HBPort = ports[0], ports[1], ports[2], ports[3], ports[4]
	cf := filepath.Join(dir, "kernel.json")
	cb, _ := json.Marshal(conn)
	if err := os.WriteFile(cf, cb, 0o600); err != nil {
		t.Fatal(err)
	}
	return conn, cf
}

// startKernel starts `gopherlab kernel CONN` on a fresh connection file.
func startKernel(t testing.TB) *proc {
	t.Helper()
	bin := gopherlab(t)
	dir := t.TempDir()
	conn, cf := writeConn(t, dir)
	p := &proc{cmd: exec.Command(bin, "kernel", cf), log: &syncBuffer{}, conn: conn, done: make(chan error, 1)}
	p.cmd.Dir = dir
	p.cmd.Stdout = p.log
	p.cmd.Stderr = p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("kernel log:\n%s", p.log.String())
		}
	})
	return p
}

// kill kills the kernel with SIGKILL (if it still runs) and waits for it.
func (p *proc) kill() {
	if p.exited {
		return
	}
	p.cmd.Process.Kill()
	<-p.done
	p.exited = true
}

// wait waits up to d for the kernel to exit and returns its error.
func (p *proc) wait(d time.Duration) (error, bool) {
	select {
	case err := <-p.done:
		p.exited = true
		return err, true
	case <-time.After(d):
		return nil, false
	}
}

// count returns how many times text occurs in the kernel's log.
func (p *proc) count(text string) int { return strings.Count(p.log.String(), text) }

// waitLog waits up to 5 s until text occurs n times in the kernel's log
// (its standard error is copied asynchronously).
func (p *proc) waitLog(text string, n int) bool {
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(10 * time.Millisecond) {
		if p.count(text) >= n {
			return true
		}
	}
	return false
}

// client is a minimal Jupyter client speaking to a kernel through zmq4
// DEALER, SUB and REQ sockets.
type client struct {
	t       testing.TB
	codec   *wire.Codec
	session string
	cancel  context.CancelFunc

	shell, control, iopub, hb zmq4.Socket
	shellCh, controlCh        chan *wire.Message
	iopubCh                   chan *wire.Message
	stash                     []*wire.Message
}

func dial(t testing.TB, s zmq4.Socket, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := s.Dial(addr)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("dial %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// newClient connects a client with a fresh session and identity and waits
// until the kernel answers on shell and IOPub.
func newClient(t testing.TB, p *proc) *client {
	t.Helper()
	c := connect(t, p.conn, true)
	c.waitReady()
	return c
}

// connect dials the kernel's shell, control, IOPub (if iopub) and
// heartbeat sockets.
func connect(t testing.TB, conn kernel.ConnectionInfo, iopub bool) *client {
	t.Helper()
	codec, err := wire.NewCodec(conn.SignatureScheme, []byte(conn.Key))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	id := wire.NewID()
	c := &client{
		t: t, codec: codec, session: id, cancel: cancel,
		shell:     zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity(id)), zmq4.WithDialerMaxRetries(-1)),
		control:   zmq4.NewDealer(ctx, zmq4.WithDialerMaxRetries(-1)),
		hb:        zmq4.NewReq(ctx, zmq4.WithDialerMaxRetries(-1)),
		shellCh:   make(chan *wire.Message, 1000),
		controlCh: make(chan *wire.Message, 100),
		iopubCh:   make(chan *wire.Message, 100000),
	}
	t.Cleanup(c.close)
	dial(t, c.shell, conn.Addr(conn.ShellPort))
	dial(t, c.control, conn.Addr(conn.ControlPort))
	dial(t, c.hb, conn.Addr(conn.HBPort))
	go c.read(c.shell, c.shellCh)
	go c.read(c.control, c.controlCh)
	if iopub {
		c.iopub = zmq4.NewSub(ctx, zmq4.WithDialerMaxRetries(-1))
		dial(t, c.iopub, conn.Addr(conn.IOPubPort))
		if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
			t.Fatal(err)
		}
		go c.read(c.iopub, c.iopubCh)
	}
	return c
}

// close closes the client's sockets, as a front end does when its
// notebook is closed.
func (c *client) close() {
	c.cancel()
	for _, s := range []zmq4.Socket{c.shell, c.control, c.iopub, c.hb} {
		if s != nil {
			s.Close()
		}
	}
}

func (c *client) read(s zmq4.Socket, ch chan<- *wire.Message) {
	for {
		raw, err := s.Recv()
		if err != nil {
			return
		}
		m, err := c.codec.Decode(raw.Frames)
		if err != nil {
			c.t.Errorf("client: kernel sent an undecodable message: %v", err)
			continue
		}
		select {
		case ch <- m:
		default: // nobody reads this channel any more
		}
	}
}

// waitReady sends kernel_info_request until both its reply and an IOPub
// message arrive (IOPub subscriptions take a moment to reach the kernel).
func (c *client) waitReady() {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		id := c.send(c.shell, wire.KernelInfoRequest, map[string]any{})
		c.reply(c.shellCh, id, 20*time.Second)
		select {
		case <-c.iopubCh:
			time.Sleep(50 * time.Millisecond)
			c.drainIOPub()
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
	c.t.Fatal("kernel not ready: no IOPub message")
}

func (c *client) drainIOPub() {
	c.stash = nil
	for {
		select {
		case <-c.iopubCh:
		default:
			return
		}
	}
}

// message builds a signed request.
func (c *client) message(t wire.MsgType, content any) (*wire.Message, [][]byte) {
	m := &wire.Message{Header: wire.NewHeader(t, c.session)}
	if err := m.SetContent(content); err != nil {
		c.t.Fatal(err)
	}
	frames, err := c.codec.Encode(m)
	if err != nil {
		c.t.Fatal(err)
	}
	return m, frames
}

// send sends a request on s and returns its msg_id.
func (c *client) send(s zmq4.Socket, t wire.MsgType, content any) string {
	m, frames := c.message(t, content)
	c.sendFrames(s, frames)
	return m.Header.MsgID
}

func (c *client) sendFrames(s zmq4.Socket, frames [][]byte) {
	if err := s.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		c.t.Fatal(err)
	}
}

// reply waits for the reply to request id on ch.
func (c *client) reply(ch <-chan *wire.Message, id string, timeout time.Duration) *wire.Message {
	c.t.Helper()
	tm := time.After(timeout)
	for {
		select {
		case m := <-ch:
			if m.ParentHeader().MsgID == id {
				return m
			}
		case <-tm:
			c.t.Fatalf("no reply to %s within %v", id, timeout)
			return nil
		}
	}
}

// untilIdle collects the IOPub messages of request id, from busy to idle.
func (c *client) untilIdle(id string, timeout time.Duration) []*wire.Message {
	c.t.Helper()
	var msgs []*wire.Message
	isIdle := func(m *wire.Message) bool {
		return m.Type() == wire.Status && content(m)["execution_state"] == wire.StateIdle
	}
	kept := c.stash[:0]
	done := false
	for _, m := range c.stash {
		if done || m.ParentHeader().MsgID != id {
			kept = append(kept, m)
			continue
		}
		msgs = append(msgs, m)
		done = isIdle(m)
	}
	c.stash = kept
	if done {
		return msgs
	}
	tm := time.After(timeout)
	for {
		select {
		case m := <-c.iopubCh:
			if m.ParentHeader().MsgID != id {
				if len(c.stash) < 10000 {
					c.stash = append(c.stash, m)
				}
				continue
			}
			msgs = append(msgs, m)
			if isIdle(m) {
				return msgs
			}
		case <-tm:
			c.t.Fatalf("request %s: no idle within %v (got %d messages)", id, timeout, len(msgs))
			return nil
		}
	}
}

func content(m *wire.Message) map[string]any {
	var v map[string]any
	_ = json.Unmarshal(m.Content, &v)
	return v
}

func executeContent(code string) map[string]any {
	return map[string]any{
		"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{},
		"allow_stdin": false, "stop_on_error": true,
	}
}

// execute runs code and returns the reply and the IOPub messages up to idle.
func (c *client) execute(code string, timeout time.Duration) (*wire.Message, []*wire.Message) {
	c.t.Helper()
	id := c.send(c.shell, wire.ExecuteRequest, executeContent(code))
	rep := c.reply(c.shellCh, id, timeout)
	return rep, c.untilIdle(id, timeout)
}

// mustExecute runs code, fails unless the reply is ok, and returns its
// standard output.
func (c *client) mustExecute(code string) string {
	c.t.Helper()
	rep, msgs := c.execute(code, 60*time.Second)
	if st := content(rep)["status"]; st != wire.StatusOK {
		c.t.Fatalf("execute %q: status %v: %s", code, st, rep.Content)
	}
	return stdout(msgs)
}

// stdout joins the stdout stream text of msgs.
func stdout(msgs []*wire.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		if m.Type() == wire.Stream && content(m)["name"] == "stdout" {
			b.WriteString(content(m)["text"].(string))
		}
	}
	return b.String()
}

// ping sends a heartbeat and waits for the echo.
func (c *client) ping(timeout time.Duration) error {
	payload := []byte("ping " + strconv.FormatInt(time.Now().UnixNano(), 10))
	done := make(chan error, 1)
	go func() {
		if err := c.hb.Send(zmq4.NewMsg(payload)); err != nil {
			done <- err
			return
		}
		m, err := c.hb.Recv()
		if err == nil && !bytes.Equal(m.Bytes(), payload) {
			err = fmt.Errorf("heartbeat echoed %q, want %q", m.Bytes(), payload)
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return fmt.Errorf("no heartbeat echo within %v", timeout)
	}
}

// shutdown asks the kernel to shut down on control and waits for it to
// exit.
func (c *client) shutdown(p *proc) {
	c.t.Helper()
	id := c.send(c.control, wire.ShutdownRequest, map[string]any{"restart": false})
	c.reply(c.controlCh, id, 20*time.Second)
	err, ok := p.wait(20 * time.Second)
	if !ok {
		c.t.Fatal("kernel still running 20s after shutdown_request")
	}
	if err != nil {
		c.t.Errorf("kernel exit after shutdown_request: %v", err)
	}
}

// descendants returns the pids of the live descendants of pid, from
// /proc.
func descendants(pid int) []int {
	children := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, ok := ppid(n); ok {
			children[pp] = append(children[pp], n)
		}
	}
	var out []int
	var walk func(int)
	walk = func(p int) {
		for _, c := range children[p] {
			out = append(out, c)
			walk(c)
		}
	}
	walk(pid)
	return out
}

// ppid returns the parent of a live (not zombie) process.
func ppid(pid int) (int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 || f[0] == "Z" || f[0] == "X" {
		return 0, false
	}
	n, err := strconv.Atoi(f[1])
	return n, err == nil
}

// alive reports whether pid is a live (not zombie) process.
func alive(pid int) bool {
	_, ok := ppid(pid)
	return ok && syscall.Kill(pid, 0) == nil
}

// waitGone waits up to d for every pid to be gone and returns the ones
// still alive.
func waitGone(pids []int, d time.Duration) []int {
	deadline := time.Now().Add(d)
	for {
		var left []int
		for _, p := range pids {
			if alive(p) {
				left = append(left, p)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shmEntries returns the names of gopherlab's entries in /dev/shm.
func shmEntries() map[string]bool {
	m := map[string]bool{}
	ents, _ := os.ReadDir("/dev/shm")
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "gopherlab") {
			m[e.Name()] = true
		}
	}
	return m
}

// rss returns the resident set size of pid in bytes, from /proc.
func rss(t testing.TB, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb * 1024
		}
	}
	t.Fatal("no VmRSS in /proc/PID/status")
	return 0
}

// openFDs returns the number of file descriptors of this process.
func openFDs() int {
	ents, _ := os.ReadDir("/proc/self/fd")
	return len(ents)
}

// soak reports whether the long soak is on (GOPHERLAB_SOAK=1).
func soak() bool { return os.Getenv("GOPHERLAB_SOAK") == "1" }
