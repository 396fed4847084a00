package zmqtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// Client is a minimal Jupyter client speaking to a kernel through zmq4
// DEALER (shell, control, stdin), SUB (IOPub) and REQ (heartbeat) sockets.
// A goroutine per socket decodes the kernel's messages into the socket's
// channel, dropping them once the channel is full (nobody reads it). Its
// methods are for one goroutine at a time, except [Client.Ping].
type Client struct {
	T       testing.TB // fails the test on errors; a subtest may set it
	Codec   *wire.Codec
	Session string // the session of the requests, and the shell and stdin identity

	Shell, Control, Stdin, IOPub, HB     zmq4.Socket // IOPub is nil unless subscribed
	ShellCh, ControlCh, StdinCh, IOPubCh chan *wire.Message

	cancel context.CancelFunc
	hbMu   sync.Mutex
	stash  []*wire.Message // IOPub messages read while waiting for others
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

// NewClient connects a client with a fresh session and identity and waits
// until the kernel answers on shell and IOPub.
func NewClient(t testing.TB, conn kernel.ConnectionInfo) *Client {
	t.Helper()
	c := Connect(t, conn, true)
	c.WaitReady()
	return c
}

// Connect dials the kernel's shell, control, stdin, heartbeat and, if
// iopub, IOPub sockets, without waiting for the kernel. The sockets are
// closed when t ends.
func Connect(t testing.TB, conn kernel.ConnectionInfo, iopub bool) *Client {
	t.Helper()
	codec, err := wire.NewCodec(conn.SignatureScheme, []byte(conn.Key))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	id := wire.NewID()
	c := &Client{
		T: t, Codec: codec, Session: id, cancel: cancel,
		Shell:     zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity(id)), zmq4.WithDialerMaxRetries(-1)),
		Control:   zmq4.NewDealer(ctx, zmq4.WithDialerMaxRetries(-1)),
		Stdin:     zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity(id)), zmq4.WithDialerMaxRetries(-1)),
		HB:        zmq4.NewReq(ctx, zmq4.WithDialerMaxRetries(-1)),
		ShellCh:   make(chan *wire.Message, 1000),
		ControlCh: make(chan *wire.Message, 100),
		StdinCh:   make(chan *wire.Message, 100),
		IOPubCh:   make(chan *wire.Message, 100000),
	}
	t.Cleanup(c.Close)
	dial(t, c.Shell, conn.Addr(conn.ShellPort))
	dial(t, c.Control, conn.Addr(conn.ControlPort))
	dial(t, c.Stdin, conn.Addr(conn.StdinPort))
	dial(t, c.HB, conn.Addr(conn.HBPort))
	go c.read(c.Shell, c.ShellCh)
	go c.read(c.Control, c.ControlCh)
	go c.read(c.Stdin, c.StdinCh)
	if iopub {
		c.IOPub = zmq4.NewSub(ctx, zmq4.WithDialerMaxRetries(-1))
		dial(t, c.IOPub, conn.Addr(conn.IOPubPort))
		if err := c.IOPub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
			t.Fatal(err)
		}
		go c.read(c.IOPub, c.IOPubCh)
	}
	return c
}

// Close closes the client's sockets, as a front end does when its
// notebook is closed.
func (c *Client) Close() {
	c.cancel()
	for _, s := range []zmq4.Socket{c.Shell, c.Control, c.Stdin, c.IOPub, c.HB} {
		if s != nil {
			s.Close()
		}
	}
}

func (c *Client) read(s zmq4.Socket, ch chan<- *wire.Message) {
	for {
		raw, err := s.Recv()
		if err != nil {
			return
		}
		m, err := c.Codec.Decode(raw.Frames)
		if err != nil {
			c.T.Errorf("client: kernel sent an undecodable message: %v", err)
			continue
		}
		select {
		case ch <- m:
		default: // nobody reads this channel any more
		}
	}
}

// WaitReady sends kernel_info_request until both its reply and an IOPub
// message arrive (IOPub subscriptions take a moment to reach the kernel).
func (c *Client) WaitReady() {
	c.T.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		id := c.Send(c.Shell, wire.KernelInfoRequest, map[string]any{})
		c.Reply(c.ShellCh, id, 20*time.Second)
		select {
		case <-c.IOPubCh:
			time.Sleep(50 * time.Millisecond)
			c.DrainIOPub()
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
	c.T.Fatal("kernel not ready: no IOPub message")
}

// DrainIOPub drops the IOPub messages received so far.
func (c *Client) DrainIOPub() {
	c.stash = nil
	for {
		select {
		case <-c.IOPubCh:
		default:
			return
		}
	}
}

// Message builds a signed request and returns it with its frames.
func (c *Client) Message(t wire.MsgType, content any) (*wire.Message, [][]byte) {
	m := &wire.Message{Header: wire.NewHeader(t, c.Session)}
	if err := m.SetContent(content); err != nil {
		c.T.Fatal(err)
	}
	frames, err := c.Codec.Encode(m)
	if err != nil {
		c.T.Fatal(err)
	}
	return m, frames
}

// Send sends a request on s and returns its msg_id.
func (c *Client) Send(s zmq4.Socket, t wire.MsgType, content any) string {
	m, frames := c.Message(t, content)
	c.SendFrames(s, frames)
	return m.Header.MsgID
}

// SendFrames sends frames as one message on s.
func (c *Client) SendFrames(s zmq4.Socket, frames [][]byte) {
	if err := s.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		c.T.Fatal(err)
	}
}

// Reply waits for the reply to request id on ch, dropping other messages.
func (c *Client) Reply(ch <-chan *wire.Message, id string, timeout time.Duration) *wire.Message {
	c.T.Helper()
	tm := time.After(timeout)
	for {
		select {
		case m := <-ch:
			if m.ParentHeader().MsgID == id {
				return m
			}
		case <-tm:
			c.T.Fatalf("no reply to %s within %v", id, timeout)
			return nil
		}
	}
}

// UntilIdle collects the IOPub messages of request id, from busy to idle.
// Messages of other requests read meanwhile are kept for later calls.
func (c *Client) UntilIdle(id string, timeout time.Duration) []*wire.Message {
	c.T.Helper()
	var msgs []*wire.Message
	isIdle := func(m *wire.Message) bool {
		return m.Type() == wire.Status && Content(m)["execution_state"] == wire.StateIdle
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
		case m := <-c.IOPubCh:
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
			c.T.Fatalf("request %s: no idle within %v (got %d messages)", id, timeout, len(msgs))
			return nil
		}
	}
}

// Content decodes the content of m (nil if it is not a JSON object).
func Content(m *wire.Message) map[string]any {
	var v map[string]any
	_ = json.Unmarshal(m.Content, &v)
	return v
}

// ExecuteContent is the content of an execute_request for code, as
// Jupyter's front ends send it.
func ExecuteContent(code string) map[string]any {
	return map[string]any{
		"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{},
		"allow_stdin": false, "stop_on_error": true,
	}
}

// Execute runs code and returns the reply and the IOPub messages up to
// idle.
func (c *Client) Execute(code string, timeout time.Duration) (*wire.Message, []*wire.Message) {
	c.T.Helper()
	id := c.Send(c.Shell, wire.ExecuteRequest, ExecuteContent(code))
	rep := c.Reply(c.ShellCh, id, timeout)
	return rep, c.UntilIdle(id, timeout)
}

// MustExecute runs code, fails the test unless the reply is ok, and
// returns the IOPub messages up to idle.
func (c *Client) MustExecute(code string) []*wire.Message {
	c.T.Helper()
	rep, msgs := c.Execute(code, 60*time.Second)
	if st := Content(rep)["status"]; st != wire.StatusOK {
		c.T.Fatalf("execute %q: status %v: %s", code, st, rep.Content)
	}
	return msgs
}

// Stream joins the text of the stream messages called name ("stdout" or
// "stderr") in msgs and counts them.
func Stream(msgs []*wire.Message, name string) (text string, n int) {
	var b strings.Builder
	for _, m := range msgs {
		if m.Type() == wire.Stream && Content(m)["name"] == name {
			b.WriteString(Content(m)["text"].(string))
			n++
		}
	}
	return b.String(), n
}

// Ping sends a heartbeat and waits for the echo.
func (c *Client) Ping(timeout time.Duration) error {
	c.hbMu.Lock()
	defer c.hbMu.Unlock()
	payload := []byte("ping " + strconv.FormatInt(time.Now().UnixNano(), 10))
	done := make(chan error, 1)
	go func() {
		if err := c.HB.Send(zmq4.NewMsg(payload)); err != nil {
			done <- err
			return
		}
		m, err := c.HB.Recv()
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

// Shutdown asks the kernel of p to shut down on control and waits for it
// to exit with status 0.
func (c *Client) Shutdown(p *Proc) {
	c.T.Helper()
	id := c.Send(c.Control, wire.ShutdownRequest, map[string]any{"restart": false})
	c.Reply(c.ControlCh, id, 20*time.Second)
	err, ok := p.Wait(20 * time.Second)
	if !ok {
		c.T.Fatal("kernel still running 20s after shutdown_request")
	}
	if err != nil {
		c.T.Errorf("kernel exit after shutdown_request: %v", err)
	}
}
