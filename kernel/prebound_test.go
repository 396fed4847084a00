package kernel_test

import (
	"context"
	"errors"
	"log"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest/zmqtest"
)

// TestListeners serves a kernel on sockets bound before the server was
// created (Options.Listeners), as the gopherlab command does: all five,
// or only some (the server binds the others), over tcp and ipc. A listener
// the connection file does not name is closed.
func TestListeners(t *testing.T) {
	for _, tt := range []struct {
		transport string
		prebound  int // how many of the five, from shell on
	}{
		{"tcp", 5}, {"ipc", 5}, {"tcp", 2},
	} {
		t.Run(tt.transport+"/"+strconv.Itoa(tt.prebound), func(t *testing.T) {
			conn, _ := zmqtest.WriteConn(t, t.TempDir(), tt.transport)
			lns := map[string]net.Listener{}
			for _, port := range []int{conn.ShellPort, conn.IOPubPort, conn.StdinPort, conn.ControlPort, conn.HBPort}[:tt.prebound] {
				ep := conn.Addr(port)
				network, addr := "tcp", strings.TrimPrefix(ep, "tcp://")
				if tt.transport == "ipc" {
					network, addr = "unix", strings.TrimPrefix(ep, "ipc://")
				}
				ln, err := net.Listen(network, addr)
				if err != nil {
					t.Fatal(err)
				}
				lns[ep] = ln
			}
			extra, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			lns["tcp://"+extra.Addr().String()] = extra
			var lg kerneltest.SyncBuffer
			srv, err := kernel.New(conn, nil, kernel.Options{Log: log.New(&lg, "gopherlab: ", 0), Listeners: lns, Debug: true})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ctx) }()
			defer func() { cancel(); <-done }()

			select {
			case <-srv.Greeted():
				t.Fatal("greeted before any request")
			default:
			}
			zmqtest.NewClient(t, conn) // kernel_info_request on shell, IOPub
			select {
			case <-srv.Greeted():
			case <-time.After(10 * time.Second):
				t.Error("Greeted not closed after kernel_info_reply")
			}
			if _, err := extra.Accept(); !errors.Is(err, net.ErrClosed) {
				t.Errorf("listener not in the connection file: Accept = %v, want it closed", err)
			}
			marked := strings.Contains(lg.String(), "(sockets bound during initialisation)")
			if marked != (tt.prebound == 5) {
				t.Errorf("log says bound early = %v with %d of 5 sockets prebound:\n%s", marked, tt.prebound, lg.String())
			}
		})
	}
}
