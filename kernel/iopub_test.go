package kernel_test

import (
	"context"
	"log"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest/zmqtest"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// serveInProcess serves a kernel without a session (kernel_info needs
// none) on a fresh connection file of transport.
func serveInProcess(t *testing.T, transport string) (kernel.ConnectionInfo, *kerneltest.SyncBuffer) {
	t.Helper()
	conn, _ := zmqtest.WriteConn(t, t.TempDir(), transport)
	var lg kerneltest.SyncBuffer
	srv, err := kernel.New(conn, nil, kernel.Options{Log: log.New(&lg, "gopherlab: ", 0), Debug: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	select {
	case <-srv.Listening():
	case err := <-done:
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		<-done
		if t.Failed() {
			t.Logf("kernel log:\n%s", lg.String())
		}
	})
	return conn, &lg
}

// TestIOPubNewSubscriberGetsStatus connects a new IOPub subscriber and
// sends a request right away, as JupyterLab does through a Jupyter server
// when it opens a notebook (the websocket's IOPub and shell sockets connect
// together and its kernel_info_request follows at once), many times: the
// subscriber must get the request's busy and idle. JupyterLab waits for
// that idle before it shows the kernel as connected; with zmq4's PUB socket
// the kernel published them before the subscription had arrived in about
// one start in twenty-five.
func TestIOPubNewSubscriberGetsStatus(t *testing.T) {
	for _, transport := range []string{"tcp", "ipc"} {
		t.Run(transport, func(t *testing.T) {
			conn, _ := serveInProcess(t, transport)
			c := zmqtest.Connect(t, conn, false)
			for i := range 100 {
				ctx, cancel := context.WithCancel(context.Background())
				sub := zmq4.NewSub(ctx)
				if err := sub.Dial(conn.Addr(conn.IOPubPort)); err != nil {
					t.Fatal(err)
				}
				if err := sub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
					t.Fatal(err)
				}
				id := c.Send(c.Shell, wire.KernelInfoRequest, map[string]any{})
				c.Reply(c.ShellCh, id, 10*time.Second)
				states := statuses(t, c, sub, id)
				sub.Close()
				cancel()
				if strings.Join(states, " ") != "busy idle" {
					t.Fatalf("attempt %d: the new subscriber got statuses %q of the request, want busy and idle", i, states)
				}
			}
		})
	}
}

// statuses reads sub until it has the idle status of request id, or 5 s
// have passed, and returns the execution states of id it got.
func statuses(t *testing.T, c *zmqtest.Client, sub zmq4.Socket, id string) []string {
	t.Helper()
	got := make(chan []string, 1)
	go func() {
		var states []string
		defer func() { got <- states }()
		for {
			raw, err := sub.Recv()
			if err != nil {
				return
			}
			m, err := c.Codec.Decode(raw.Frames)
			if err != nil || m.ParentHeader().MsgID != id || m.Type() != wire.Status {
				continue
			}
			st, _ := zmqtest.Content(m)["execution_state"].(string)
			states = append(states, st)
			if st == wire.StateIdle {
				return
			}
		}
	}()
	select {
	case s := <-got:
		return s
	case <-time.After(5 * time.Second):
		sub.Close() // ends Recv
		return <-got
	}
}

// TestSilentConnectionsHoldNobodyUp connects to every socket of the kernel
// with plain TCP connections that send nothing (port probes, hung clients)
// and some that close at once, then checks that a client still gets its
// replies and IOPub messages. zmq4 performs the handshakes of a socket one
// at a time, so a connection that never greeted blocked every later one.
func TestSilentConnectionsHoldNobodyUp(t *testing.T) {
	conn, lg := serveInProcess(t, "tcp")
	for _, port := range []int{conn.ShellPort, conn.IOPubPort, conn.StdinPort, conn.ControlPort, conn.HBPort} {
		silent, err := net.Dial("tcp", strings.TrimPrefix(conn.Addr(port), "tcp://"))
		if err != nil {
			t.Fatal(err)
		}
		defer silent.Close()
		gone, err := net.Dial("tcp", strings.TrimPrefix(conn.Addr(port), "tcp://"))
		if err != nil {
			t.Fatal(err)
		}
		gone.Close()
	}
	time.Sleep(100 * time.Millisecond) // the kernel has accepted them
	done := make(chan struct{})
	go func() {
		defer close(done)
		c := zmqtest.NewClient(t, conn) // kernel_info on shell, waits for IOPub
		if err := c.Ping(10 * time.Second); err != nil {
			t.Errorf("heartbeat: %v", err)
		}
		id := c.Send(c.Control, wire.KernelInfoRequest, map[string]any{})
		c.Reply(c.ControlCh, id, 10*time.Second)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("a client behind silent connections got no answer within 30 s; log:\n%s", lg.String())
	}
}

// TestRepliesCarryTheKernelSession checks that replies and IOPub messages
// carry one session, the kernel's, as ipykernel's do. JupyterLab takes a
// change of header.session for a restarted kernel and drops the message it
// is handling: replies that carried the client's session among IOPub
// messages with the kernel's lost update_display_data messages.
func TestRepliesCarryTheKernelSession(t *testing.T) {
	conn, _ := serveInProcess(t, "tcp")
	c := zmqtest.NewClient(t, conn)
	id := c.Send(c.Shell, wire.KernelInfoRequest, map[string]any{})
	rep := c.Reply(c.ShellCh, id, 10*time.Second)
	msgs := c.UntilIdle(id, 10*time.Second)
	if rep.Header.Session == c.Session {
		t.Errorf("the reply carries the client's session %q", c.Session)
	}
	for _, m := range msgs {
		if m.Header.Session != rep.Header.Session {
			t.Errorf("IOPub %s has session %q, the reply %q", m.Type(), m.Header.Session, rep.Header.Session)
		}
	}
}
