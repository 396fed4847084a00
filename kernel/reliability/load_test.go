package reliability

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest/zmqtest"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// TestEightClients attaches 8 clients to one kernel, as JupyterLab and
// consoles attached at once: 8 shell DEALER sockets with distinct
// identities send execute, kernel_info and complete requests
// concurrently. Each client gets a reply to every request it sent and
// none to another client's, and every execute ran exactly once.
func TestEightClients(t *testing.T) {
	const clients, perClient = 8, 40
	p := startKernel(t)
	first := zmqtest.NewClient(t, p.Conn)
	run(first, "import \"fmt\"\n\nhits := make([]int, 8)")
	cs := make([]*zmqtest.Client, clients)
	for i := range cs {
		cs[i] = zmqtest.Connect(t, p.Conn, false)
	}
	var wg sync.WaitGroup
	errs := make(chan error, clients*perClient)
	for k, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sent := map[string]wire.MsgType{}
			for i := 0; i < perClient; i++ {
				var id string
				switch i % 4 {
				case 0, 1:
					id = c.Send(c.Shell, wire.ExecuteRequest, zmqtest.ExecuteContent(fmt.Sprintf("hits[%d]++", k)))
				case 2:
					id = c.Send(c.Shell, wire.KernelInfoRequest, map[string]any{})
				case 3:
					id = c.Send(c.Shell, wire.CompleteRequest, map[string]any{"code": "fmt.Pri", "cursor_pos": 7})
				}
				sent[id] = wire.MsgType(strings.TrimSuffix(string(sentType(i)), "_request") + "_reply")
			}
			deadline := time.After(120 * time.Second)
			for len(sent) > 0 {
				select {
				case m := <-c.ShellCh:
					want, ok := sent[m.ParentHeader().MsgID]
					if !ok {
						errs <- fmt.Errorf("client %d got a reply to %s, which it never sent (misrouted)", k, m.ParentHeader().MsgID)
						continue
					}
					if m.Type() != want {
						errs <- fmt.Errorf("client %d: reply of type %s to a request wanting %s", k, m.Type(), want)
					}
					delete(sent, m.ParentHeader().MsgID)
				case <-deadline:
					errs <- fmt.Errorf("client %d: %d of its %d replies missing after 120 s", k, len(sent), perClient)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		t.Error(err)
		n++
	}
	// Stray replies arriving late would show up here.
	time.Sleep(100 * time.Millisecond)
	for k, c := range cs {
		select {
		case m := <-c.ShellCh:
			t.Errorf("client %d: extra reply %s to %s", k, m.Type(), m.ParentHeader().MsgID)
		default:
		}
	}
	out := run(first, "fmt.Println(hits)")
	want := strings.Trim(strings.Repeat(fmt.Sprint(perClient/2)+" ", clients), " ")
	if out != "["+want+"]\n" {
		t.Errorf("hits = %q, want [%s] (every execute ran exactly once)", out, want)
	}
	if n == 0 {
		t.Logf("load: %d clients x %d concurrent shell requests (%d executes): all %d replies received, each by the client that sent the request",
			clients, perClient, clients*perClient/2, clients*perClient)
	}
}

func sentType(i int) wire.MsgType {
	switch i % 4 {
	case 0, 1:
		return wire.ExecuteRequest
	case 2:
		return wire.KernelInfoRequest
	}
	return wire.CompleteRequest
}
