package reliability

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest/zmqtest"
	"github.com/gopherlab/gopherlab/kernel/session"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// soakCell returns the i-th cell of the soak: mostly small statements,
// calls of a function declared earlier and output, with compile errors,
// panics and child processes mixed in, as a learner's day of broken code.
func soakCell(i int) (code string, ok bool) {
	switch {
	case i%97 == 3: // the first one during the warm-up
		return "q := mp.NewProcess(bump, n)\nq.Start()\nq.Join()", true
	case i%13 == 0:
		return "x := ", false // compile error
	case i%17 == 0:
		return "var m map[string]int\nm[\"a\"] = 1", false // runtime panic
	case i%7 == 0:
		return "inc(&calls)", true
	case i%5 == 0:
		return fmt.Sprintf("s = fmt.Sprintf(\"cell %%d\", %d)\nfmt.Println(s)", i), true
	default:
		return "total++", true
	}
}

// soakSetup declares what the soak's cells use; soakGC collects the
// kernel's garbage and returns the freed memory to the system, so that its
// resident memory is what it keeps, and prints its heap in use.
const (
	soakSetup = "func bump(n *mp.Value) { n.Add(1) }\nfunc inc(p *int) { *p++ }\n" +
		"n := mp.NewValue(\"i\", 0)\ntotal, calls := 0, 0\ns := \"\"\nvar ms runtime.MemStats"
	soakGC = "debug.FreeOSMemory()\nruntime.ReadMemStats(&ms)\nfmt.Println(ms.HeapInuse)"
)

// TestSoakExecutes runs 500 executes in a row (10,000 with
// GOPHERLAB_SOAK=1) of a mix of cells (see soakCell) and checks that
// every reply came, that the kernel's resident memory after a garbage
// collection grows by less than 10% from the end of a warm-up (a tenth of
// the executes) to the end, and that its open file descriptors do not
// grow.
func TestSoakExecutes(t *testing.T) {
	n := 500
	if soak() {
		n = 10000
	}
	p := startKernel(t)
	c := zmqtest.NewClient(t, p.Conn)
	run(c, importMP)
	run(c, "import (\n\t\"runtime\"\n\t\"runtime/debug\"\n)")
	run(c, soakSetup)
	pid := p.Cmd.Process.Pid
	// Resident memory after a collection: the kernel's live heap plus
	// what the runtime has not returned yet, not the garbage the pacer
	// lets accumulate between collections.
	measure := func() (resident, heap int64) {
		heap, err := strconv.ParseInt(strings.TrimSpace(run(c, soakGC)), 10, 64)
		if err != nil {
			t.Fatalf("soak: heap in use: %v", err)
		}
		return rss(t, pid), heap
	}
	warm := n / 10
	var rssWarm, heapWarm, rssPeak int64
	// Descriptors come and go as workers are started ahead and cells'
	// pipes close: a leak raises the floor, so compare the fewest seen in
	// the last twentieth of the executes before the warm-up's end and
	// before the end.
	window := n / 20
	fdsWarm, fdsEnd := -1, -1
	minFDs := func(cur, n int) int {
		if cur < 0 || n < cur {
			return n
		}
		return cur
	}
	okCount, errCount, procs, wantTotal, wantCalls := 0, 0, 0, 0, 0
	for i := 1; i <= n; i++ {
		code, ok := soakCell(i)
		rep, _ := c.Execute(code, 60*time.Second)
		st := zmqtest.Content(rep)["status"]
		if ok != (st == wire.StatusOK) {
			t.Fatalf("execute %d %q: status %v: %s", i, code, st, rep.Content)
		}
		if ok {
			okCount++
		} else {
			errCount++
		}
		switch {
		case code == "total++":
			wantTotal++
		case code == "inc(&calls)":
			wantCalls++
		case strings.Contains(code, "mp.NewProcess"):
			procs++
		}
		switch {
		case i > warm-window && i <= warm:
			fdsWarm = minFDs(fdsWarm, fds(pid))
		case i > n-window:
			fdsEnd = minFDs(fdsEnd, fds(pid))
		}
		if i == warm {
			rssWarm, heapWarm = measure()
		}
		if i > warm {
			rssPeak = max(rssPeak, rss(t, pid))
		}
	}
	rssEnd, heapEnd := measure()
	out := run(c, "fmt.Println(total, calls, n.Load())")
	if want := fmt.Sprintln(wantTotal, wantCalls, procs); out != want {
		t.Errorf("after the soak: total, calls, n = %q, want %q (a cell ran twice or not at all)", out, want)
	}
	growth := float64(rssEnd-rssWarm) / float64(rssWarm) * 100
	t.Logf("soak: %d executes (%d ok, %d compile errors or panics, %d with a child process), all replied; kernel RSS after GC %.1f MiB after %d executes (warm-up), %.1f MiB after %d: growth %+.1f%% (heap in use %.1f -> %.1f MiB; RSS peak between collections %.1f MiB); open fds (fewest in each window) %d -> %d",
		n, okCount, errCount, procs, mib(rssWarm), warm, mib(rssEnd), n, growth, mib(heapWarm), mib(heapEnd), mib(rssPeak), fdsWarm, fdsEnd)
	if growth >= 10 {
		t.Errorf("kernel RSS after GC grew by %.1f%% from execute %d to %d, want < 10%%", growth, warm, n)
	}
	// The process-starting cells keep workers ready: allow their pipes.
	if fdsEnd > fdsWarm+8 {
		t.Errorf("kernel open fds grew from %d to %d: a leak", fdsWarm, fdsEnd)
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// fds returns the number of open file descriptors of pid.
func fds(pid int) int {
	ents, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	return len(ents)
}

// TestRestarts restarts the kernel 10 times (100 with GOPHERLAB_SOAK=1) on
// one connection file, as jupyter_client does: each kernel runs a cell
// (every fifth one starting child processes that share memory), gets
// shutdown_request with restart true, and exits; afterwards none of its processes is alive, its
// five ports are free, /dev/shm has no new entry, and this process's own
// file descriptors are back where they were.
func TestRestarts(t *testing.T) {
	n := 10
	if soak() {
		n = 100
	}
	bin := gopherlab(t)
	dir := t.TempDir()
	conn, cf := zmqtest.WriteConn(t, dir, "tcp")
	shmBefore := shmEntries()
	fdsBefore := openFDs()
	children, withChildren := 0, 0
	for i := 0; i < n; i++ {
		p := zmqtest.Start(t, conn, dir, bin, "kernel", cf)
		c := zmqtest.NewClient(t, p.Conn)
		if i%5 == 0 {
			// Every fifth kernel starts children and shares memory
			// (a cold import of runtime/mp costs a go list run).
			run(c, importMP)
			out := run(c, "func bump(n *mp.Value, l *mp.Lock) { l.Lock(); n.Add(1); l.Unlock() }\n"+
				"n := mp.NewValue(\"i\", 0)\nl := mp.NewLock()\nvar ps []*mp.Process\n"+
				"for i := 0; i < 2; i++ { ps = append(ps, mp.NewProcess(bump, n, l)) }\n"+
				"for _, q := range ps { q.Start() }\nfor _, q := range ps { q.Join() }\nfmt.Println(n.Load())")
			if strings.TrimSpace(out) != "2" {
				t.Errorf("restart %d: cell printed %q, want 2", i, out)
			}
			withChildren++
		} else if out := run(c, "x := 6 * 7\nx"); out != "" {
			t.Errorf("restart %d: cell printed %q", i, out)
		}
		kids := descendants(p.Cmd.Process.Pid)
		children += len(kids)
		id := c.Send(c.Control, wire.ShutdownRequest, map[string]any{"restart": true})
		rep := c.Reply(c.ControlCh, id, 20*time.Second)
		if zmqtest.Content(rep)["restart"] != true {
			t.Errorf("restart %d: shutdown reply %s", i, rep.Content)
		}
		err, ok := p.Wait(20 * time.Second)
		if !ok {
			p.Kill()
			t.Fatalf("restart %d: kernel still running 20 s after shutdown_request; log:\n%s", i, p.Log.String())
		}
		if err != nil {
			t.Errorf("restart %d: kernel exit: %v; log:\n%s", i, err, p.Log.String())
		}
		c.Close()
		if left := waitGone(kids, 10*time.Second); len(left) > 0 {
			t.Errorf("restart %d: children %v of the kernel still alive after it exited", i, left)
		}
		if busy := busyPorts(conn); len(busy) > 0 {
			t.Errorf("restart %d: ports %v still bound after the kernel exited", i, busy)
		}
		for name := range shmEntries() {
			if !shmBefore[name] {
				t.Errorf("restart %d: new /dev/shm entry %s", i, name)
			}
		}
	}
	// Closed zmq4 sockets release their descriptors asynchronously.
	var fdsAfter int
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(50 * time.Millisecond) {
		if fdsAfter = openFDs(); fdsAfter <= fdsBefore+2 {
			break
		}
	}
	if fdsAfter > fdsBefore+2 {
		t.Errorf("this process has %d open fds after %d kernel sessions, %d before: the client side leaks", fdsAfter, n, fdsBefore)
	}
	t.Logf("restarts: %d kernels on one connection file, %d of them with a cell starting and joining 2 children (%d processes alive at shutdown), shutdown_request restart=true: every one exited, no process left, ports free, no /dev/shm entry, client fds %d -> %d",
		n, withChildren, children, fdsBefore, fdsAfter)
}

// busyPorts returns the ports of conn that cannot be bound, waiting up to
// 5 s for them to be released.
func busyPorts(conn kernel.ConnectionInfo) []int {
	var busy []int
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		busy = busy[:0]
		for _, port := range []int{conn.ShellPort, conn.IOPubPort, conn.StdinPort, conn.ControlPort, conn.HBPort} {
			l, err := net.Listen("tcp", net.JoinHostPort(conn.IP, strconv.Itoa(port)))
			if err != nil {
				busy = append(busy, port)
				continue
			}
			l.Close()
		}
		if len(busy) == 0 || time.Since(start) > 5*time.Second {
			return busy
		}
	}
}

// discard is a session.Output that drops what cells write.
type discard struct{}

func (discard) Stream(name, text string) error { return nil }
func (discard) Display(session.Display) error  { return nil }
func (discard) Clear(wait bool) error          { return nil }

// heapInUse returns this process's heap in use after a garbage collection.
func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}

// TestSessionMemory runs the soak's cells (without child processes) on a
// session in this process and checks that the heap it keeps grows by less
// than 1 KiB an execute after a warm-up (yaegi keeps every evaluated
// source's nodes otherwise: about 4 KiB), and that running a cell that
// declares a 1 MiB slice again and again keeps one of them, not all,
// while a function that uses the variable keeps the value it saw.
func TestSessionMemory(t *testing.T) {
	s, err := session.New(session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	exec := func(code string) (session.Result, error) { return s.Execute(ctx, code, discard{}) }
	for _, code := range []string{`import "fmt"`, "func inc(p *int) { *p++ }\ntotal, calls := 0, 0\ns := \"\""} {
		if _, err := exec(code); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
	}
	const warm, n = 500, 2000
	var before int64
	for i := 1; i <= n; i++ {
		code, ok := soakCell(i)
		if strings.Contains(code, "mp.") {
			continue
		}
		if _, err := exec(code); (err == nil) != ok {
			t.Fatalf("execute %d %q: %v", i, code, err)
		}
		if i == warm {
			before = heapInUse()
		}
	}
	after := heapInUse()
	perExec := float64(after-before) / (n - warm)
	t.Logf("session heap in use after GC: %.1f MiB after %d executes, %.1f MiB after %d: %.0f bytes an execute",
		mib(before), warm, mib(after), n, perExec)
	if perExec >= 1024 {
		t.Errorf("the session's heap grew by %.0f bytes an execute from execute %d to %d, want < 1 KiB", perExec, warm, n)
	}

	const runs = 32
	if _, err := exec("big := make([]byte, 1<<20)\nbig[0] = 7\nfunc first() byte { return big[0] }"); err != nil {
		t.Fatal(err)
	}
	before = heapInUse()
	for range runs {
		if _, err := exec("big := make([]byte, 1<<20)"); err != nil {
			t.Fatal(err)
		}
	}
	after = heapInUse()
	t.Logf("%d runs of big := make([]byte, 1<<20): heap in use %+.1f MiB", runs, mib(after-before))
	if after-before > 4<<20 {
		t.Errorf("%d runs of a cell declaring a 1 MiB slice kept %.1f MiB, want one slice", runs, mib(after-before))
	}
	// The cells assign the notebook's variable big (as Python rebinds a
	// global): first() reads the latest slice.
	if res, err := exec("first()"); err != nil || res.Data["text/plain"] != "0" {
		t.Errorf("first() after big was declared again = %v, %v; want 0, from the latest big", res.Data["text/plain"], err)
	}
}
