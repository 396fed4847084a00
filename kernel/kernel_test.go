package kernel_test

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

// buildOnce builds the gopherlab binary and installs its kernelspec into
// one temporary prefix shared by the tests of this package.
var build struct {
	once   sync.Once
	prefix string
	err    error
}

// installKernel builds the binary with go build and installs it with
// `gopherlab install --prefix`; it returns the prefix. The kernelspec is in
// PREFIX/share/jupyter/kernels/gopherlab.
func installKernel(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		dir, err := os.MkdirTemp("", "gopherlab-kernel-test-")
		if err != nil {
			build.err = err
			return
		}
		bin := filepath.Join(dir, "bin", "gopherlab")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/gopherlab").CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		if out, err := exec.Command(bin, "install", "--prefix", dir).CombinedOutput(); err != nil {
			build.err = fmt.Errorf("gopherlab install: %v\n%s", err, out)
			return
		}
		build.prefix = dir
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.prefix
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.prefix != "" {
		os.RemoveAll(build.prefix)
	}
	os.Exit(code)
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
	cmd  *exec.Cmd
	log  *syncBuffer
	conn kernel.ConnectionInfo
	done chan error
}

// startKernel starts the installed kernel, through the argv of its
// kernel.json, on a fresh connection file for transport tcp or ipc.
func startKernel(t testing.TB, transport string) *proc {
	t.Helper()
	prefix := installKernel(t)
	var spec struct{ Argv []string }
	b, err := os.ReadFile(filepath.Join(prefix, "share", "jupyter", "kernels", "gopherlab", "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	conn := kernel.ConnectionInfo{Transport: transport, Key: wire.NewID(), SignatureScheme: "hmac-sha256"}
	ports := make([]int, 5)
	if transport == "tcp" {
		conn.IP = "127.0.0.1"
		for i := range ports {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			ports[i] = l.Addr().(*net.TCPAddr).Port
		}
	} else {
		conn.IP = filepath.Join(dir, "k")
		for i := range ports {
			ports[i] = i + 1
		}
	}
	conn.ShellPort, conn.IOPubPort, conn.StdinPort, conn.ControlPort, conn.HBPort = ports[0], ports[1], ports[2], ports[3], ports[4]
	cf := filepath.Join(dir, "kernel.json")
	cb, _ := json.Marshal(conn)
	if err := os.WriteFile(cf, cb, 0o600); err != nil {
		t.Fatal(err)
	}
	argv := make([]string, len(spec.Argv))
	for i, a := range spec.Argv {
		argv[i] = strings.ReplaceAll(a, "{connection_file}", cf)
	}
	p := &proc{cmd: exec.Command(argv[0], argv[1:]...), log: &syncBuffer{}, conn: conn, done: make(chan error, 1)}
	p.cmd.Dir = dir
	p.cmd.Stdout = p.log
	p.cmd.Stderr = p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("kernel log:\n%s", p.log.String())
		}
	})
	return p
}

// waitLog waits up to 5s for text to appear in the kernel's log (its
// stderr is copied asynchronously).
func (p *proc) waitLog(text string) bool {
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(10 * time.Millisecond) {
		if strings.Contains(p.log.String(), text) {
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
	conn    kernel.ConnectionInfo

	shell, control, stdin, iopub, hb zmq4.Socket
	shellCh, controlCh, iopubCh      chan *wire.Message
	stdinCh                          chan *wire.Message
	hbMu                             sync.Mutex
	stash                            []*wire.Message // IOPub messages read while waiting for others
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

func newClient(t testing.TB, p *proc) *client {
	t.Helper()
	codec, err := wire.NewCodec(p.conn.SignatureScheme, []byte(p.conn.Key))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	id := wire.NewID()
	c := &client{
		t: t, codec: codec, session: id, conn: p.conn,
		shell:     zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity(id)), zmq4.WithDialerMaxRetries(-1)),
		control:   zmq4.NewDealer(ctx, zmq4.WithDialerMaxRetries(-1)),
		stdin:     zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity(id)), zmq4.WithDialerMaxRetries(-1)),
		iopub:     zmq4.NewSub(ctx, zmq4.WithDialerMaxRetries(-1)),
		hb:        zmq4.NewReq(ctx, zmq4.WithDialerMaxRetries(-1)),
		shellCh:   make(chan *wire.Message, 100),
		controlCh: make(chan *wire.Message, 100),
		iopubCh:   make(chan *wire.Message, 100000),
		stdinCh:   make(chan *wire.Message, 100),
	}
	t.Cleanup(func() {
		cancel()
		for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin, c.iopub, c.hb} {
			s.Close()
		}
	})
	dial(t, c.shell, p.conn.Addr(p.conn.ShellPort))
	dial(t, c.control, p.conn.Addr(p.conn.ControlPort))
	dial(t, c.stdin, p.conn.Addr(p.conn.StdinPort))
	dial(t, c.iopub, p.conn.Addr(p.conn.IOPubPort))
	dial(t, c.hb, p.conn.Addr(p.conn.HBPort))
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	go c.read(c.shell, c.shellCh)
	go c.read(c.control, c.controlCh)
	go c.read(c.iopub, c.iopubCh)
	go c.read(c.stdin, c.stdinCh)
	c.waitReady()
	return c
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
		ch <- m
	}
}

// waitReady sends kernel_info_request until both its reply and an IOPub
// message arrive (IOPub subscriptions take a moment to reach the kernel).
func (c *client) waitReady() {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		id := c.send(c.shell, wire.KernelInfoRequest, map[string]any{})
		c.reply(c.shellCh, id, 10*time.Second)
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

// execute runs code and returns the reply and the IOPub messages up to idle.
func (c *client) execute(code string, timeout time.Duration) (*wire.Message, []*wire.Message) {
	c.t.Helper()
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{
		"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{},
		"allow_stdin": false, "stop_on_error": true,
	})
	rep := c.reply(c.shellCh, id, timeout)
	return rep, c.untilIdle(id, timeout)
}

// mustExecute runs code and fails unless the reply is ok.
func (c *client) mustExecute(code string) []*wire.Message {
	c.t.Helper()
	rep, msgs := c.execute(code, 30*time.Second)
	if st := content(rep)["status"]; st != wire.StatusOK {
		c.t.Fatalf("execute %q: status %v: %s", code, st, rep.Content)
	}
	return msgs
}

// stdout joins the stdout stream text of msgs.
func stdout(msgs []*wire.Message, name string) (text string, n int) {
	var b strings.Builder
	for _, m := range msgs {
		if m.Type() == wire.Stream && content(m)["name"] == name {
			b.WriteString(content(m)["text"].(string))
			n++
		}
	}
	return b.String(), n
}

// ping sends a heartbeat and waits for the echo.
func (c *client) ping(timeout time.Duration) error {
	c.hbMu.Lock()
	defer c.hbMu.Unlock()
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

func TestKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the kernel binary; skipped under -short")
	}
	for _, transport := range []string{"tcp", "ipc"} {
		t.Run(transport, func(t *testing.T) {
			p := startKernel(t, transport)
			c := newClient(t, p)
			for _, tt := range []struct {
				name string
				f    func(t *testing.T, p *proc, c *client)
			}{
				{"kernel_info", testKernelInfo},
				{"hello", testHello},
				{"result_and_error", testResultAndError},
				{"bad_signature", testBadSignature},
				{"replay", testReplay},
				{"garbage", testGarbage},
				{"heartbeat_during_cell", testHeartbeatDuringCell},
				{"interrupt_loop", func(t *testing.T, p *proc, c *client) { testInterrupt(t, c, "for {}") }},
				{"interrupt_sleep", func(t *testing.T, p *proc, c *client) { testInterrupt(t, c, "time.Sleep(time.Hour)") }},
				{"sigint", testSIGINT},
				{"input", testInput},
				{"comm_ignored", testComm},
				{"unknown_request", testUnknownRequest},
				{"stop_on_error", testStopOnError},
				{"streaming", testStreaming},
				{"many_lines", testManyLines},
				{"ten_megabytes", testTenMegabytes},
				{"fd_capture", testFDCapture},
				{"history", testHistory},
				{"shutdown", testShutdown},
			} {
				c.t = t
				ok := t.Run(tt.name, func(t *testing.T) {
					c.t = t
					tt.f(t, p, c)
				})
				c.t = t
				if !ok && tt.name != "shutdown" {
					// Later steps may still pass; go on.
					c.drainIOPub()
				}
			}
		})
	}
}

func testKernelInfo(t *testing.T, p *proc, c *client) {
	for _, ch := range []struct {
		name string
		s    zmq4.Socket
		r    chan *wire.Message
	}{{"shell", c.shell, c.shellCh}, {"control", c.control, c.controlCh}} {
		id := c.send(ch.s, wire.KernelInfoRequest, map[string]any{})
		rep := c.reply(ch.r, id, 10*time.Second)
		if rep.Type() != wire.KernelInfoReply {
			t.Fatalf("%s: reply type %s", ch.name, rep.Type())
		}
		var info wire.KernelInfoReplyContent
		if err := rep.DecodeContent(&info); err != nil {
			t.Fatal(err)
		}
		li := info.LanguageInfo
		if info.Status != "ok" || info.ProtocolVersion != "5.4" || info.Implementation != "gopherlab" ||
			li.Name != "go" || li.MIMEType != "text/x-go" || li.FileExtension != ".go" || li.PygmentsLexer != "go" ||
			li.CodeMirrorMode != "go" || !strings.HasPrefix(li.Version, "1.") || info.Banner == "" || len(info.HelpLinks) == 0 {
			t.Errorf("%s: kernel_info_reply = %s", ch.name, rep.Content)
		}
		if rep.Header.Version != "5.4" || rep.Header.MsgID == "" || rep.Header.Date == "" {
			t.Errorf("%s: reply header = %+v", ch.name, rep.Header)
		}
		// busy then idle, parented to the request.
		msgs := c.untilIdle(id, 10*time.Second)
		if len(msgs) != 2 || content(msgs[0])["execution_state"] != "busy" {
			t.Errorf("%s: IOPub for kernel_info = %d messages, first %s", ch.name, len(msgs), msgs[0].Content)
		}
		if !strings.HasPrefix(string(msgs[0].Identities[0]), "kernel.") {
			t.Errorf("IOPub topic = %q", msgs[0].Identities[0])
		}
	}
}

func testHello(t *testing.T, p *proc, c *client) {
	c.mustExecute(`import "fmt"`)
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": `fmt.Println("hello, world")`})
	rep := c.reply(c.shellCh, id, 30*time.Second)
	msgs := c.untilIdle(id, 10*time.Second)
	if content(rep)["status"] != "ok" {
		t.Fatalf("reply %s", rep.Content)
	}
	var types []string
	for _, m := range msgs {
		types = append(types, string(m.Type()))
		if m.ParentHeader().MsgID != id {
			t.Errorf("%s parent = %s, want %s", m.Type(), m.ParentHeader().MsgID, id)
		}
	}
	want := []string{"status", "execute_input", "stream", "status"}
	if strings.Join(types, " ") != strings.Join(want, " ") {
		t.Errorf("IOPub types = %v, want %v", types, want)
	}
	if text, _ := stdout(msgs, "stdout"); text != "hello, world\n" {
		t.Errorf("stdout = %q", text)
	}
	n := content(rep)["execution_count"].(float64)
	in := content(msgs[1])
	if in["code"] != `fmt.Println("hello, world")` || in["execution_count"].(float64) != n {
		t.Errorf("execute_input = %v, reply count %v", in, n)
	}
}

func testResultAndError(t *testing.T, p *proc, c *client) {
	rep, msgs := c.execute("1+1", 30*time.Second)
	var res *wire.Message
	for _, m := range msgs {
		if m.Type() == wire.ExecuteResult {
			res = m
		}
	}
	if content(rep)["status"] != "ok" || res == nil {
		t.Fatalf("1+1: reply %s, no execute_result", rep.Content)
	}
	rc := content(res)
	if rc["data"].(map[string]any)["text/plain"] != "2" || rc["execution_count"] != content(rep)["execution_count"] {
		t.Errorf("execute_result = %s", res.Content)
	}

	rep, msgs = c.execute("undefinedName + 1", 30*time.Second)
	rc = content(rep)
	if rc["status"] != "error" || rc["ename"] == "" || rc["traceback"] == nil {
		t.Fatalf("reply = %s", rep.Content)
	}
	var errs int
	for _, m := range msgs {
		if m.Type() == wire.Error {
			errs++
			if content(m)["evalue"] != rc["evalue"] {
				t.Errorf("error %s, reply %s", m.Content, rep.Content)
			}
		}
	}
	if errs != 1 {
		t.Errorf("%d error messages, want 1", errs)
	}
}

// testBadSignature sends a cell that would create a file with a wrong
// signature: the kernel must drop it, never run it, and go on serving.
func testBadSignature(t *testing.T, p *proc, c *client) {
	c.mustExecute(`import "os"`)
	dir := t.TempDir()
	for i, mangle := range []func(f [][]byte){
		func(f [][]byte) { f[1] = bytes.Repeat([]byte("a"), 64) },                      // wrong signature
		func(f [][]byte) { f[1] = nil },                                                // missing signature
		func(f [][]byte) { f[5] = []byte(strings.Replace(string(f[5]), "x", "y", 1)) }, // tampered content
	} {
		file := filepath.Join(dir, fmt.Sprintf("pwned%d", i))
		_, frames := c.message(wire.ExecuteRequest, map[string]any{"code": fmt.Sprintf("os.WriteFile(%q, []byte(\"x\"), 0o644)", file)})
		mangle(frames)
		c.sendFrames(c.shell, frames)
		// Shell is served in order: once this reply arrives, the bad
		// message has been dealt with.
		id := c.send(c.shell, wire.KernelInfoRequest, map[string]any{})
		c.reply(c.shellCh, id, 10*time.Second)
		if _, err := os.Stat(file); err == nil {
			t.Errorf("case %d: the kernel ran a cell with a bad signature", i)
		}
	}
	if !p.waitLog("bad or missing signature") {
		t.Errorf("kernel log does not mention the dropped messages:\n%s", p.log.String())
	}
}

// testReplay sends the same signed frames twice: the second copy is dropped.
func testReplay(t *testing.T, p *proc, c *client) {
	c.mustExecute(`import "os"`)
	file := filepath.Join(t.TempDir(), "count")
	code := fmt.Sprintf("f, _ := os.OpenFile(%q, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); f.WriteString(\"x\"); f.Close()", file)
	m, frames := c.message(wire.ExecuteRequest, map[string]any{"code": code})
	c.sendFrames(c.shell, frames)
	c.reply(c.shellCh, m.Header.MsgID, 30*time.Second)
	c.sendFrames(c.shell, frames)
	id := c.send(c.shell, wire.KernelInfoRequest, map[string]any{})
	c.reply(c.shellCh, id, 10*time.Second)
	b, err := os.ReadFile(file)
	if err != nil || string(b) != "x" {
		t.Errorf("file = %q, %v; want one x (the replay must not run)", b, err)
	}
	if !p.waitLog("replayed signature") {
		t.Errorf("kernel log does not mention the replay")
	}
}

// testGarbage sends malformed frames on every ROUTER socket; the kernel
// keeps answering.
func testGarbage(t *testing.T, p *proc, c *client) {
	sign := func(parts ...string) [][]byte {
		f := [][]byte{[]byte(wire.Delimiter), nil}
		for _, s := range parts {
			f = append(f, []byte(s))
		}
		return f
	}
	junk := [][][]byte{
		{[]byte("hello")},
		{[]byte(wire.Delimiter)},
		sign(`{`, `{}`, `{}`, `{}`),
		{{}, {0xff, 0xfe}, []byte(wire.Delimiter), []byte("zz"), []byte("{}")},
	}
	var good *wire.Message
	for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin} {
		for _, j := range junk {
			c.sendFrames(s, j)
		}
		// Well-signed messages whose content has the wrong JSON types.
		for _, m := range []*wire.Message{
			{Header: wire.NewHeader(wire.ExecuteRequest, c.session), Content: json.RawMessage(`{"code": 12}`)},
			{Header: wire.NewHeader(wire.CompleteRequest, c.session), Content: json.RawMessage(`[1,2]`)},
			{Header: wire.NewHeader(wire.InputReply, c.session), Content: json.RawMessage(`{"value": {}}`)},
		} {
			f, _ := c.codec.Encode(m)
			c.sendFrames(s, f)
			if s == c.shell && good == nil {
				good = m
			}
		}
	}
	// The type errors get error replies; the rest is dropped.
	rep := c.reply(c.shellCh, good.Header.MsgID, 10*time.Second)
	if content(rep)["status"] != "error" {
		t.Errorf("reply to bad content = %s", rep.Content)
	}
	for _, s := range []struct {
		s zmq4.Socket
		r chan *wire.Message
	}{{c.shell, c.shellCh}, {c.control, c.controlCh}} {
		id := c.send(s.s, wire.KernelInfoRequest, map[string]any{})
		c.reply(s.r, id, 10*time.Second)
	}
	if err := c.ping(5 * time.Second); err != nil {
		t.Error(err)
	}
	c.drainIOPub()
}

func testHeartbeatDuringCell(t *testing.T, p *proc, c *client) {
	c.mustExecute(`import "time"`)
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "time.Sleep(2 * time.Second)"})
	start := time.Now()
	n := 0
	for time.Since(start) < 1500*time.Millisecond {
		if err := c.ping(time.Second); err != nil {
			t.Fatalf("heartbeat while a cell runs: %v", err)
		}
		n++
		time.Sleep(100 * time.Millisecond)
	}
	rep := c.reply(c.shellCh, id, 30*time.Second)
	c.untilIdle(id, 10*time.Second)
	if time.Since(start) < 2*time.Second {
		t.Errorf("the cell took %v, less than its 2s sleep: the pings did not overlap it", time.Since(start))
	}
	if content(rep)["status"] != "ok" || n < 5 {
		t.Errorf("reply %s after %d pings", rep.Content, n)
	}
}

func testInterrupt(t *testing.T, c *client, code string) {
	c.mustExecute(`import "time"`)
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": code})
	// Wait until the cell runs.
	tm := time.After(10 * time.Second)
wait:
	for {
		select {
		case m := <-c.iopubCh:
			if m.ParentHeader().MsgID == id && m.Type() == wire.ExecuteInput {
				break wait
			}
		case <-tm:
			t.Fatal("cell did not start")
		}
	}
	time.Sleep(200 * time.Millisecond)
	select {
	case m := <-c.shellCh:
		t.Fatalf("cell %q ended before the interrupt: %s", code, m.Content)
	default:
	}
	iid := c.send(c.control, wire.InterruptRequest, map[string]any{})
	if r := c.reply(c.controlCh, iid, 5*time.Second); content(r)["status"] != "ok" {
		t.Errorf("interrupt_reply = %s", r.Content)
	}
	rep := c.reply(c.shellCh, id, 5*time.Second)
	if content(rep)["status"] != "error" {
		t.Errorf("interrupted cell reply = %s", rep.Content)
	}
	c.untilIdle(id, 5*time.Second)
	// The kernel still runs cells.
	rep, _ = c.execute("2*21", 30*time.Second)
	if content(rep)["status"] != "ok" {
		t.Errorf("after interrupt: %s", rep.Content)
	}
}

func testUnknownRequest(t *testing.T, p *proc, c *client) {
	// Cells run on shell only.
	id := c.send(c.control, wire.ExecuteRequest, map[string]any{"code": "1"})
	if rep := c.reply(c.controlCh, id, 10*time.Second); content(rep)["status"] != "error" {
		t.Errorf("execute_request on control: %s", rep.Content)
	}
	for _, ch := range []struct {
		s zmq4.Socket
		r chan *wire.Message
	}{{c.shell, c.shellCh}, {c.control, c.controlCh}} {
		id := c.send(ch.s, "frobnicate_request", map[string]any{})
		rep := c.reply(ch.r, id, 10*time.Second)
		rc := content(rep)
		if rep.Type() != "frobnicate_reply" || rc["status"] != "error" || rc["ename"] != "UnknownMessageType" {
			t.Errorf("reply %s %s", rep.Type(), rep.Content)
		}
		c.untilIdle(id, 5*time.Second)
	}
}

// testStopOnError queues three cells; the first fails, so the two queued
// after it are aborted, each wrapped in busy/idle.
func testStopOnError(t *testing.T, p *proc, c *client) {
	c.mustExecute(`import "time"`)
	var ids []string
	for _, code := range []string{"time.Sleep(300 * time.Millisecond); undefinedThing()", "1", "2"} {
		ids = append(ids, c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": code, "stop_on_error": true}))
	}
	want := []string{"error", "aborted", "aborted"}
	for i, id := range ids {
		rep := c.reply(c.shellCh, id, 30*time.Second)
		if st := content(rep)["status"]; st != want[i] {
			t.Errorf("cell %d: status %v, want %s", i, st, want[i])
		}
		msgs := c.untilIdle(id, 5*time.Second)
		if content(msgs[0])["execution_state"] != "busy" {
			t.Errorf("cell %d: first IOPub %s", i, msgs[0].Content)
		}
	}
	// Not queued at the time of the error: runs.
	rep, _ := c.execute("3", 30*time.Second)
	if content(rep)["status"] != "ok" {
		t.Errorf("cell after the aborted ones: %s", rep.Content)
	}
}

func testManyLines(t *testing.T, p *proc, c *client) {
	c.mustExecute(`import "fmt"`)
	msgs := c.mustExecute("for i := 0; i < 100000; i++ { fmt.Println(i) }")
	text, n := stdout(msgs, "stdout")
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 100000 {
		t.Fatalf("got %d lines, want 100000", len(lines))
	}
	for i, l := range lines {
		if l != strconv.Itoa(i) {
			t.Fatalf("line %d = %q", i, l)
		}
	}
	if n > 1000 {
		t.Errorf("%d stream messages for 100000 lines: output is not coalesced", n)
	}
	t.Logf("100000 lines in %d stream messages", n)
}

func testTenMegabytes(t *testing.T, p *proc, c *client) {
	c.mustExecute(`import "fmt"`)
	c.mustExecute(`import "strings"`)
	msgs := c.mustExecute(`s := strings.Repeat("x", 1023) + "\n"; for i := 0; i < 10240; i++ { fmt.Print(s) }`)
	text, n := stdout(msgs, "stdout")
	if len(text) != 10<<20 || strings.Count(text, "\n") != 10240 {
		t.Errorf("got %d bytes, %d lines in %d messages; want 10 MiB", len(text), strings.Count(text, "\n"), n)
	}
	if err := c.ping(5 * time.Second); err != nil {
		t.Error(err)
	}
}

// testFDCapture writes straight to file descriptors 1 and 2, as compiled
// code and child processes do: the text reaches the cell, before its idle.
func testFDCapture(t *testing.T, p *proc, c *client) {
	c.mustExecute(`import "os"`)
	msgs := c.mustExecute(`os.NewFile(1, "fd1").WriteString("to fd 1\n"); os.NewFile(2, "fd2").WriteString("to fd 2\n")`)
	if text, _ := stdout(msgs, "stdout"); !strings.Contains(text, "to fd 1\n") {
		t.Errorf("stdout = %q", text)
	}
	if text, _ := stdout(msgs, "stderr"); !strings.Contains(text, "to fd 2\n") {
		t.Errorf("stderr = %q", text)
	}
	if strings.Contains(p.log.String(), "to fd") {
		t.Errorf("cell output leaked into the kernel log")
	}
	for _, m := range msgs {
		if m.Type() == wire.Stream && strings.Contains(content(m)["text"].(string), "gopherlab:") {
			t.Errorf("kernel log line in a cell: %s", m.Content)
		}
	}
}

func testHistory(t *testing.T, p *proc, c *client) {
	c.mustExecute("40+2")
	c.mustExecute("40+2")
	hist := func(req map[string]any) []any {
		req["output"], req["raw"] = false, true
		id := c.send(c.shell, wire.HistoryRequest, req)
		rep := c.reply(c.shellCh, id, 10*time.Second)
		c.untilIdle(id, 5*time.Second)
		h, _ := content(rep)["history"].([]any)
		return h
	}
	tail := hist(map[string]any{"hist_access_type": "tail", "n": 2})
	if len(tail) != 2 || tail[1].([]any)[2] != "40+2" {
		t.Fatalf("tail = %v", tail)
	}
	line := tail[1].([]any)[1].(float64)
	if r := hist(map[string]any{"hist_access_type": "range", "session": 0, "start": line, "stop": line + 1}); len(r) != 1 || r[0].([]any)[1].(float64) != line {
		t.Errorf("range = %v", r)
	}
	if r := hist(map[string]any{"hist_access_type": "search", "pattern": "40?2"}); len(r) != 2 {
		t.Errorf("search = %v", r)
	}
	if r := hist(map[string]any{"hist_access_type": "search", "pattern": "40*", "unique": true}); len(r) != 1 {
		t.Errorf("unique search = %v", r)
	}
}

func testShutdown(t *testing.T, p *proc, c *client) {
	id := c.send(c.control, wire.ShutdownRequest, map[string]any{"restart": false})
	rep := c.reply(c.controlCh, id, 10*time.Second)
	if rep.Type() != wire.ShutdownReply || content(rep)["status"] != "ok" {
		t.Errorf("shutdown reply %s %s", rep.Type(), rep.Content)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("kernel exit: %v", err)
		}
		p.done <- err
	case <-time.After(10 * time.Second):
		t.Fatal("kernel still running 10s after shutdown_request")
	}
}

// testSIGINT interrupts a sleeping cell with SIGINT, as a terminal's Ctrl-C
// does.
func testSIGINT(t *testing.T, p *proc, c *client) {
	c.mustExecute(`import "time"`)
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "time.Sleep(time.Hour)"})
	time.Sleep(500 * time.Millisecond)
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	rep := c.reply(c.shellCh, id, 5*time.Second)
	if content(rep)["status"] != "error" {
		t.Errorf("reply after SIGINT = %s", rep.Content)
	}
	c.untilIdle(id, 5*time.Second)
	if err := c.ping(2 * time.Second); err != nil {
		t.Errorf("kernel gone after SIGINT: %v", err)
	}
}

// testInput reads a line with allow_stdin: the kernel asks on the stdin
// channel, and an interrupt ends a read nobody answers.
func testInput(t *testing.T, p *proc, c *client) {
	c.mustExecute(`import "fmt"`)
	exec := func(code string) string {
		return c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": code, "allow_stdin": true})
	}
	id := exec(`var name string
fmt.Scanln(&name)
fmt.Println("hello,", name)`)
	req := c.reply(c.stdinCh, id, 10*time.Second)
	if req.Type() != wire.InputRequest {
		t.Fatalf("stdin got %s", req.Type())
	}
	r := wire.Reply(req, wire.InputReply)
	r.Identities = nil
	r.Header.Session = c.session
	if err := r.SetContent(wire.InputReplyContent{Value: "gopher"}); err != nil {
		t.Fatal(err)
	}
	f, _ := c.codec.Encode(r)
	c.sendFrames(c.stdin, f)
	rep := c.reply(c.shellCh, id, 10*time.Second)
	msgs := c.untilIdle(id, 5*time.Second)
	if text, _ := stdout(msgs, "stdout"); content(rep)["status"] != "ok" || text != "hello, gopher\n" {
		t.Errorf("reply %s, stdout %q", rep.Content, text)
	}

	// Nobody answers: interrupt.
	id = exec(`var x string
fmt.Scanln(&x)`)
	c.reply(c.stdinCh, id, 10*time.Second)
	iid := c.send(c.control, wire.InterruptRequest, map[string]any{})
	c.reply(c.controlCh, iid, 5*time.Second)
	rep = c.reply(c.shellCh, id, 5*time.Second)
	c.untilIdle(id, 5*time.Second)
	if content(rep)["status"] != "error" {
		t.Errorf("interrupted input: reply %s", rep.Content)
	}
}

// testComm sends comm messages: no reply, no error, the kernel goes on.
func testComm(t *testing.T, p *proc, c *client) {
	id := c.send(c.shell, wire.CommOpen, map[string]any{"comm_id": "c1", "target_name": "x", "data": map[string]any{}})
	c.send(c.shell, wire.CommMsg, map[string]any{"comm_id": "c1", "data": map[string]any{}})
	c.send(c.shell, wire.CommClose, map[string]any{"comm_id": "c1", "data": map[string]any{}})
	info := c.send(c.shell, wire.CommInfoRequest, map[string]any{})
	rep := c.reply(c.shellCh, info, 10*time.Second)
	if rep.Type() != wire.CommInfoReply || content(rep)["status"] != "ok" {
		t.Errorf("comm_info_reply = %s %s", rep.Type(), rep.Content)
	}
	if comms, ok := content(rep)["comms"].(map[string]any); !ok || len(comms) != 0 {
		t.Errorf("comms = %v", content(rep)["comms"])
	}
	c.untilIdle(id, 5*time.Second)
	c.untilIdle(info, 5*time.Second)
}

// testStreaming checks that a line printed now and then reaches the client
// while the cell still runs: stream text is flushed after a short delay,
// not only at the end of the cell.
func testStreaming(t *testing.T, p *proc, c *client) {
	c.mustExecute(`import "fmt"`)
	c.mustExecute(`import "time"`)
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{
		"code": "for i := 0; i < 3; i++ { fmt.Println(\"tick\", i); time.Sleep(700 * time.Millisecond) }"})
	tm := time.After(10 * time.Second)
	for {
		select {
		case m := <-c.iopubCh:
			if m.ParentHeader().MsgID != id || m.Type() != wire.Stream {
				continue
			}
			if text := content(m)["text"]; text != "tick 0\n" {
				t.Errorf("first stream message = %q, want the first line alone", text)
			}
			select {
			case r := <-c.shellCh:
				t.Errorf("the first line arrived only after the cell ended: %s", r.Content)
			default:
			}
			rep := c.reply(c.shellCh, id, 10*time.Second)
			msgs := c.untilIdle(id, 5*time.Second)
			if text, n := stdout(msgs, "stdout"); text != "tick 1\ntick 2\n" || n != 2 {
				t.Errorf("later lines %q in %d messages, want one message per line", text, n)
			}
			if content(rep)["status"] != "ok" {
				t.Errorf("reply %s", rep.Content)
			}
			return
		case <-tm:
			t.Fatal("no stream message within 10s")
		}
	}
}

// TestSIGQUITDump checks that SIGQUIT prints the kernel's goroutines to
// its log (the original stderr), not into a cell, and ends the kernel.
func TestSIGQUITDump(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the kernel binary; skipped under -short")
	}
	p := startKernel(t, "tcp")
	newClient(t, p)
	if err := p.cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err
		if err == nil {
			t.Error("kernel exited with status 0 after SIGQUIT")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("kernel still running 10s after SIGQUIT")
	}
	if !p.waitLog("SIGQUIT: goroutines:") || !strings.Contains(p.log.String(), "goroutine ") {
		t.Errorf("no goroutine dump in the log:\n%s", p.log.String())
	}
}
