package kernel_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest/zmqtest"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

func TestMain(m *testing.M) { kerneltest.Main(m) }

// startKernel starts the kernel installed by [kerneltest.Prefix], through
// the argv of its kernel.json, on a fresh connection file for transport
// tcp or ipc.
func startKernel(t testing.TB, transport string) *zmqtest.Proc {
	t.Helper()
	prefix := kerneltest.Prefix(t)
	var spec struct{ Argv []string }
	b, err := os.ReadFile(filepath.Join(prefix, "share", "jupyter", "kernels", "gopherlab", "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	conn, cf := zmqtest.WriteConn(t, dir, transport)
	argv := make([]string, len(spec.Argv))
	for i, a := range spec.Argv {
		argv[i] = strings.ReplaceAll(a, "{connection_file}", cf)
	}
	return zmqtest.Start(t, conn, dir, argv...)
}

func TestKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the kernel binary; skipped under -short")
	}
	for _, transport := range []string{"tcp", "ipc"} {
		t.Run(transport, func(t *testing.T) {
			p := startKernel(t, transport)
			c := zmqtest.NewClient(t, p.Conn)
			for _, tt := range []struct {
				name string
				f    func(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client)
			}{
				{"kernel_info", testKernelInfo},
				{"hello", testHello},
				{"result_and_error", testResultAndError},
				{"bad_signature", testBadSignature},
				{"replay", testReplay},
				{"garbage", testGarbage},
				{"heartbeat_during_cell", testHeartbeatDuringCell},
				{"interrupt_loop", func(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) { testInterrupt(t, c, "for {}") }},
				{"interrupt_sleep", func(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) { testInterrupt(t, c, "time.Sleep(time.Hour)") }},
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
				c.T = t
				ok := t.Run(tt.name, func(t *testing.T) {
					c.T = t
					tt.f(t, p, c)
				})
				c.T = t
				if !ok && tt.name != "shutdown" {
					// Later steps may still pass; go on.
					c.DrainIOPub()
				}
			}
		})
	}
}

func testKernelInfo(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	for _, ch := range []struct {
		name string
		s    zmq4.Socket
		r    chan *wire.Message
	}{{"shell", c.Shell, c.ShellCh}, {"control", c.Control, c.ControlCh}} {
		id := c.Send(ch.s, wire.KernelInfoRequest, map[string]any{})
		rep := c.Reply(ch.r, id, 10*time.Second)
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
		msgs := c.UntilIdle(id, 10*time.Second)
		if len(msgs) != 2 || zmqtest.Content(msgs[0])["execution_state"] != "busy" {
			t.Errorf("%s: IOPub for kernel_info = %d messages, first %s", ch.name, len(msgs), msgs[0].Content)
		}
		if !strings.HasPrefix(string(msgs[0].Identities[0]), "kernel.") {
			t.Errorf("IOPub topic = %q", msgs[0].Identities[0])
		}
	}
}

func testHello(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute(`import "fmt"`)
	id := c.Send(c.Shell, wire.ExecuteRequest, map[string]any{"code": `fmt.Println("hello, world")`})
	rep := c.Reply(c.ShellCh, id, 30*time.Second)
	msgs := c.UntilIdle(id, 10*time.Second)
	if zmqtest.Content(rep)["status"] != "ok" {
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
	if text, _ := zmqtest.Stream(msgs, "stdout"); text != "hello, world\n" {
		t.Errorf("stdout = %q", text)
	}
	n := zmqtest.Content(rep)["execution_count"].(float64)
	in := zmqtest.Content(msgs[1])
	if in["code"] != `fmt.Println("hello, world")` || in["execution_count"].(float64) != n {
		t.Errorf("execute_input = %v, reply count %v", in, n)
	}
}

func testResultAndError(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	rep, msgs := c.Execute("1+1", 30*time.Second)
	var res *wire.Message
	for _, m := range msgs {
		if m.Type() == wire.ExecuteResult {
			res = m
		}
	}
	if zmqtest.Content(rep)["status"] != "ok" || res == nil {
		t.Fatalf("1+1: reply %s, no execute_result", rep.Content)
	}
	rc := zmqtest.Content(res)
	if rc["data"].(map[string]any)["text/plain"] != "2" || rc["execution_count"] != zmqtest.Content(rep)["execution_count"] {
		t.Errorf("execute_result = %s", res.Content)
	}

	rep, msgs = c.Execute("undefinedName + 1", 30*time.Second)
	rc = zmqtest.Content(rep)
	if rc["status"] != "error" || rc["ename"] == "" || rc["traceback"] == nil {
		t.Fatalf("reply = %s", rep.Content)
	}
	var errs int
	for _, m := range msgs {
		if m.Type() == wire.Error {
			errs++
			if zmqtest.Content(m)["evalue"] != rc["evalue"] {
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
func testBadSignature(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute(`import "os"`)
	dir := t.TempDir()
	for i, mangle := range []func(f [][]byte){
		func(f [][]byte) { f[1] = bytes.Repeat([]byte("a"), 64) },                      // wrong signature
		func(f [][]byte) { f[1] = nil },                                                // missing signature
		func(f [][]byte) { f[5] = []byte(strings.Replace(string(f[5]), "x", "y", 1)) }, // tampered content
	} {
		file := filepath.Join(dir, fmt.Sprintf("pwned%d", i))
		_, frames := c.Message(wire.ExecuteRequest, map[string]any{"code": fmt.Sprintf("os.WriteFile(%q, []byte(\"x\"), 0o644)", file)})
		mangle(frames)
		c.SendFrames(c.Shell, frames)
		// Shell is served in order: once this reply arrives, the bad
		// message has been dealt with.
		id := c.Send(c.Shell, wire.KernelInfoRequest, map[string]any{})
		c.Reply(c.ShellCh, id, 10*time.Second)
		if _, err := os.Stat(file); err == nil {
			t.Errorf("case %d: the kernel ran a cell with a bad signature", i)
		}
	}
	if !p.WaitLog("bad or missing signature", 1) {
		t.Errorf("kernel log does not mention the dropped messages:\n%s", p.Log.String())
	}
}

// testReplay sends the same signed frames twice: the second copy is dropped.
func testReplay(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute(`import "os"`)
	file := filepath.Join(t.TempDir(), "count")
	code := fmt.Sprintf("f, _ := os.OpenFile(%q, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); f.WriteString(\"x\"); f.Close()", file)
	m, frames := c.Message(wire.ExecuteRequest, map[string]any{"code": code})
	c.SendFrames(c.Shell, frames)
	c.Reply(c.ShellCh, m.Header.MsgID, 30*time.Second)
	c.SendFrames(c.Shell, frames)
	id := c.Send(c.Shell, wire.KernelInfoRequest, map[string]any{})
	c.Reply(c.ShellCh, id, 10*time.Second)
	b, err := os.ReadFile(file)
	if err != nil || string(b) != "x" {
		t.Errorf("file = %q, %v; want one x (the replay must not run)", b, err)
	}
	if !p.WaitLog("replayed signature", 1) {
		t.Errorf("kernel log does not mention the replay")
	}
}

// testGarbage sends malformed frames on every ROUTER socket; the kernel
// keeps answering.
func testGarbage(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
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
	for _, s := range []zmq4.Socket{c.Shell, c.Control, c.Stdin} {
		for _, j := range junk {
			c.SendFrames(s, j)
		}
		// Well-signed messages whose content has the wrong JSON types.
		for _, m := range []*wire.Message{
			{Header: wire.NewHeader(wire.ExecuteRequest, c.Session), Content: json.RawMessage(`{"code": 12}`)},
			{Header: wire.NewHeader(wire.CompleteRequest, c.Session), Content: json.RawMessage(`[1,2]`)},
			{Header: wire.NewHeader(wire.InputReply, c.Session), Content: json.RawMessage(`{"value": {}}`)},
		} {
			f, _ := c.Codec.Encode(m)
			c.SendFrames(s, f)
			if s == c.Shell && good == nil {
				good = m
			}
		}
	}
	// The type errors get error replies; the rest is dropped.
	rep := c.Reply(c.ShellCh, good.Header.MsgID, 10*time.Second)
	if zmqtest.Content(rep)["status"] != "error" {
		t.Errorf("reply to bad content = %s", rep.Content)
	}
	for _, s := range []struct {
		s zmq4.Socket
		r chan *wire.Message
	}{{c.Shell, c.ShellCh}, {c.Control, c.ControlCh}} {
		id := c.Send(s.s, wire.KernelInfoRequest, map[string]any{})
		c.Reply(s.r, id, 10*time.Second)
	}
	if err := c.Ping(5 * time.Second); err != nil {
		t.Error(err)
	}
	c.DrainIOPub()
}

func testHeartbeatDuringCell(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute(`import "time"`)
	id := c.Send(c.Shell, wire.ExecuteRequest, map[string]any{"code": "time.Sleep(2 * time.Second)"})
	start := time.Now()
	n := 0
	for time.Since(start) < 1500*time.Millisecond {
		if err := c.Ping(time.Second); err != nil {
			t.Fatalf("heartbeat while a cell runs: %v", err)
		}
		n++
		time.Sleep(100 * time.Millisecond)
	}
	rep := c.Reply(c.ShellCh, id, 30*time.Second)
	c.UntilIdle(id, 10*time.Second)
	if time.Since(start) < 2*time.Second {
		t.Errorf("the cell took %v, less than its 2s sleep: the pings did not overlap it", time.Since(start))
	}
	if zmqtest.Content(rep)["status"] != "ok" || n < 5 {
		t.Errorf("reply %s after %d pings", rep.Content, n)
	}
}

func testInterrupt(t *testing.T, c *zmqtest.Client, code string) {
	c.MustExecute(`import "time"`)
	id := c.Send(c.Shell, wire.ExecuteRequest, map[string]any{"code": code})
	// Wait until the cell runs.
	tm := time.After(10 * time.Second)
wait:
	for {
		select {
		case m := <-c.IOPubCh:
			if m.ParentHeader().MsgID == id && m.Type() == wire.ExecuteInput {
				break wait
			}
		case <-tm:
			t.Fatal("cell did not start")
		}
	}
	time.Sleep(200 * time.Millisecond)
	select {
	case m := <-c.ShellCh:
		t.Fatalf("cell %q ended before the interrupt: %s", code, m.Content)
	default:
	}
	iid := c.Send(c.Control, wire.InterruptRequest, map[string]any{})
	if r := c.Reply(c.ControlCh, iid, 5*time.Second); zmqtest.Content(r)["status"] != "ok" {
		t.Errorf("interrupt_reply = %s", r.Content)
	}
	rep := c.Reply(c.ShellCh, id, 5*time.Second)
	if zmqtest.Content(rep)["status"] != "error" {
		t.Errorf("interrupted cell reply = %s", rep.Content)
	}
	c.UntilIdle(id, 5*time.Second)
	// The kernel still runs cells.
	rep, _ = c.Execute("2*21", 30*time.Second)
	if zmqtest.Content(rep)["status"] != "ok" {
		t.Errorf("after interrupt: %s", rep.Content)
	}
}

func testUnknownRequest(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	// Cells run on shell only.
	id := c.Send(c.Control, wire.ExecuteRequest, map[string]any{"code": "1"})
	if rep := c.Reply(c.ControlCh, id, 10*time.Second); zmqtest.Content(rep)["status"] != "error" {
		t.Errorf("execute_request on control: %s", rep.Content)
	}
	for _, ch := range []struct {
		s zmq4.Socket
		r chan *wire.Message
	}{{c.Shell, c.ShellCh}, {c.Control, c.ControlCh}} {
		id := c.Send(ch.s, "frobnicate_request", map[string]any{})
		rep := c.Reply(ch.r, id, 10*time.Second)
		rc := zmqtest.Content(rep)
		if rep.Type() != "frobnicate_reply" || rc["status"] != "error" || rc["ename"] != "UnknownMessageType" {
			t.Errorf("reply %s %s", rep.Type(), rep.Content)
		}
		c.UntilIdle(id, 5*time.Second)
	}
}

// testStopOnError queues three cells; the first fails, so the two queued
// after it are aborted, each wrapped in busy/idle. The first fails at run
// time, after a sleep, so the other two are surely queued by then (a cell
// that fails to compile fails at once, maybe before they arrive).
func testStopOnError(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute(`import "time"`)
	var ids []string
	for _, code := range []string{"time.Sleep(300 * time.Millisecond); panic(\"stop here\")", "1", "2"} {
		ids = append(ids, c.Send(c.Shell, wire.ExecuteRequest, map[string]any{"code": code, "stop_on_error": true}))
	}
	want := []string{"error", "aborted", "aborted"}
	for i, id := range ids {
		rep := c.Reply(c.ShellCh, id, 30*time.Second)
		if st := zmqtest.Content(rep)["status"]; st != want[i] {
			t.Errorf("cell %d: status %v, want %s", i, st, want[i])
		}
		msgs := c.UntilIdle(id, 5*time.Second)
		if zmqtest.Content(msgs[0])["execution_state"] != "busy" {
			t.Errorf("cell %d: first IOPub %s", i, msgs[0].Content)
		}
	}
	// Not queued at the time of the error: runs.
	rep, _ := c.Execute("3", 30*time.Second)
	if zmqtest.Content(rep)["status"] != "ok" {
		t.Errorf("cell after the aborted ones: %s", rep.Content)
	}
}

func testManyLines(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute(`import "fmt"`)
	msgs := c.MustExecute("for i := 0; i < 100000; i++ { fmt.Println(i) }")
	text, n := zmqtest.Stream(msgs, "stdout")
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

func testTenMegabytes(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute(`import "fmt"`)
	c.MustExecute(`import "strings"`)
	msgs := c.MustExecute(`s := strings.Repeat("x", 1023) + "\n"; for i := 0; i < 10240; i++ { fmt.Print(s) }`)
	text, n := zmqtest.Stream(msgs, "stdout")
	if len(text) != 10<<20 || strings.Count(text, "\n") != 10240 {
		t.Errorf("got %d bytes, %d lines in %d messages; want 10 MiB", len(text), strings.Count(text, "\n"), n)
	}
	if err := c.Ping(5 * time.Second); err != nil {
		t.Error(err)
	}
}

// testFDCapture writes straight to file descriptors 1 and 2, as compiled
// code and child processes do: the text reaches the cell, before its idle.
func testFDCapture(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute(`import "os"`)
	msgs := c.MustExecute(`os.NewFile(1, "fd1").WriteString("to fd 1\n"); os.NewFile(2, "fd2").WriteString("to fd 2\n")`)
	if text, _ := zmqtest.Stream(msgs, "stdout"); !strings.Contains(text, "to fd 1\n") {
		t.Errorf("stdout = %q", text)
	}
	if text, _ := zmqtest.Stream(msgs, "stderr"); !strings.Contains(text, "to fd 2\n") {
		t.Errorf("stderr = %q", text)
	}
	if strings.Contains(p.Log.String(), "to fd") {
		t.Errorf("cell output leaked into the kernel log")
	}
	for _, m := range msgs {
		if m.Type() == wire.Stream && strings.Contains(zmqtest.Content(m)["text"].(string), "gopherlab:") {
			t.Errorf("kernel log line in a cell: %s", m.Content)
		}
	}
}

func testHistory(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute("40+2")
	c.MustExecute("40+2")
	hist := func(req map[string]any) []any {
		req["output"], req["raw"] = false, true
		id := c.Send(c.Shell, wire.HistoryRequest, req)
		rep := c.Reply(c.ShellCh, id, 10*time.Second)
		c.UntilIdle(id, 5*time.Second)
		h, _ := zmqtest.Content(rep)["history"].([]any)
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

func testShutdown(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	id := c.Send(c.Control, wire.ShutdownRequest, map[string]any{"restart": false})
	rep := c.Reply(c.ControlCh, id, 10*time.Second)
	if rep.Type() != wire.ShutdownReply || zmqtest.Content(rep)["status"] != "ok" {
		t.Errorf("shutdown reply %s %s", rep.Type(), rep.Content)
	}
	err, ok := p.Wait(10 * time.Second)
	if !ok {
		t.Fatal("kernel still running 10s after shutdown_request")
	}
	if err != nil {
		t.Errorf("kernel exit: %v", err)
	}
}

// testSIGINT interrupts a sleeping cell with SIGINT, as a terminal's Ctrl-C
// does.
func testSIGINT(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute(`import "time"`)
	id := c.Send(c.Shell, wire.ExecuteRequest, map[string]any{"code": "time.Sleep(time.Hour)"})
	time.Sleep(500 * time.Millisecond)
	if err := p.Cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	rep := c.Reply(c.ShellCh, id, 5*time.Second)
	if zmqtest.Content(rep)["status"] != "error" {
		t.Errorf("reply after SIGINT = %s", rep.Content)
	}
	c.UntilIdle(id, 5*time.Second)
	if err := c.Ping(2 * time.Second); err != nil {
		t.Errorf("kernel gone after SIGINT: %v", err)
	}
}

// testInput reads a line with allow_stdin: the kernel asks on the stdin
// channel, and an interrupt ends a read nobody answers.
func testInput(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute(`import "fmt"`)
	exec := func(code string) string {
		return c.Send(c.Shell, wire.ExecuteRequest, map[string]any{"code": code, "allow_stdin": true})
	}
	id := exec(`var name string
fmt.Scanln(&name)
fmt.Println("hello,", name)`)
	req := c.Reply(c.StdinCh, id, 10*time.Second)
	if req.Type() != wire.InputRequest {
		t.Fatalf("stdin got %s", req.Type())
	}
	r := wire.Reply(req, wire.InputReply)
	r.Identities = nil
	r.Header.Session = c.Session
	if err := r.SetContent(wire.InputReplyContent{Value: "gopher"}); err != nil {
		t.Fatal(err)
	}
	f, _ := c.Codec.Encode(r)
	c.SendFrames(c.Stdin, f)
	rep := c.Reply(c.ShellCh, id, 10*time.Second)
	msgs := c.UntilIdle(id, 5*time.Second)
	if text, _ := zmqtest.Stream(msgs, "stdout"); zmqtest.Content(rep)["status"] != "ok" || text != "hello, gopher\n" {
		t.Errorf("reply %s, stdout %q", rep.Content, text)
	}

	// Nobody answers: interrupt.
	id = exec(`var x string
fmt.Scanln(&x)`)
	c.Reply(c.StdinCh, id, 10*time.Second)
	iid := c.Send(c.Control, wire.InterruptRequest, map[string]any{})
	c.Reply(c.ControlCh, iid, 5*time.Second)
	rep = c.Reply(c.ShellCh, id, 5*time.Second)
	c.UntilIdle(id, 5*time.Second)
	if zmqtest.Content(rep)["status"] != "error" {
		t.Errorf("interrupted input: reply %s", rep.Content)
	}
}

// testComm sends comm messages: no reply, no error, the kernel goes on.
func testComm(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	id := c.Send(c.Shell, wire.CommOpen, map[string]any{"comm_id": "c1", "target_name": "x", "data": map[string]any{}})
	c.Send(c.Shell, wire.CommMsg, map[string]any{"comm_id": "c1", "data": map[string]any{}})
	c.Send(c.Shell, wire.CommClose, map[string]any{"comm_id": "c1", "data": map[string]any{}})
	info := c.Send(c.Shell, wire.CommInfoRequest, map[string]any{})
	rep := c.Reply(c.ShellCh, info, 10*time.Second)
	if rep.Type() != wire.CommInfoReply || zmqtest.Content(rep)["status"] != "ok" {
		t.Errorf("comm_info_reply = %s %s", rep.Type(), rep.Content)
	}
	if comms, ok := zmqtest.Content(rep)["comms"].(map[string]any); !ok || len(comms) != 0 {
		t.Errorf("comms = %v", zmqtest.Content(rep)["comms"])
	}
	c.UntilIdle(id, 5*time.Second)
	c.UntilIdle(info, 5*time.Second)
}

// testStreaming checks that a line printed now and then reaches the client
// while the cell still runs: stream text is flushed after a short delay,
// not only at the end of the cell.
func testStreaming(t *testing.T, p *zmqtest.Proc, c *zmqtest.Client) {
	c.MustExecute(`import "fmt"`)
	c.MustExecute(`import "time"`)
	id := c.Send(c.Shell, wire.ExecuteRequest, map[string]any{
		"code": "for i := 0; i < 3; i++ { fmt.Println(\"tick\", i); time.Sleep(700 * time.Millisecond) }"})
	tm := time.After(10 * time.Second)
	for {
		select {
		case m := <-c.IOPubCh:
			if m.ParentHeader().MsgID != id || m.Type() != wire.Stream {
				continue
			}
			if text := zmqtest.Content(m)["text"]; text != "tick 0\n" {
				t.Errorf("first stream message = %q, want the first line alone", text)
			}
			select {
			case r := <-c.ShellCh:
				t.Errorf("the first line arrived only after the cell ended: %s", r.Content)
			default:
			}
			rep := c.Reply(c.ShellCh, id, 10*time.Second)
			msgs := c.UntilIdle(id, 5*time.Second)
			if text, n := zmqtest.Stream(msgs, "stdout"); text != "tick 1\ntick 2\n" || n != 2 {
				t.Errorf("later lines %q in %d messages, want one message per line", text, n)
			}
			if zmqtest.Content(rep)["status"] != "ok" {
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
	zmqtest.NewClient(t, p.Conn)
	if err := p.Cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	err, ok := p.Wait(10 * time.Second)
	if !ok {
		t.Fatal("kernel still running 10s after SIGQUIT")
	}
	if err == nil {
		t.Error("kernel exited with status 0 after SIGQUIT")
	}
	if !p.WaitLog("SIGQUIT: goroutines:", 1) || !strings.Contains(p.Log.String(), "goroutine ") {
		t.Errorf("no goroutine dump in the log:\n%s", p.Log.String())
	}
}
