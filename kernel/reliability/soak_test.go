package reliability

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// soakCell returns the i-th cell of the soak: mostly small statements and
// output, with compile errors, panics and child processes mixed in, as a
// learner's day of broken code.
func soakCell(i int) (code string, ok bool) {
	switch {
	case i%97 == 3: // the first one during the warm-up
		return "q := mp.NewProcess(bump, n)\nq.Start()\nq.Join()", true
	case i%13 == 0:
		return "x := ", false // compile error
	case i%17 == 0:
		return "var m map[string]int\nm[\"a\"] = 1", false // runtime panic
	case i%5 == 0:
		return fmt.Sprintf("s = fmt.Sprintf(\"cell %%d\", %d)\nfmt.Println(s)", i), true
	default:
		return "total++", true
	}
}

// TestSoakExecutes runs 500 executes in a row (10,000 with
// GOPHERLAB_SOAK=1) and checks that the kernel's resident memory after a
// warm-up of a fifth of them grows by less than 10% to the end, that its
// open file descriptors do not grow, and that every reply came.
func TestSoakExecutes(t *testing.T) {
	n := 500
	if soak() {
		n = 10000
	}
	p := startKernel(t)
	c := newClient(t, p)
	c.mustExecute(importMP)
	c.mustExecute("func bump(n *mp.Value) { n.Add(1) }\nn := mp.NewValue(\"i\", 0)\ntotal := 0\ns := \"\"")
	pid := p.cmd.Process.Pid
	// RSS moves with each garbage collection: compare the medians of a
	// window of samples after the warm-up and at the end.
	warm, window := n/5, n/20
	var warmRSS, endRSS []int64
	var rssPeak int64
	// Descriptors come and go as workers are started ahead and cells'
	// pipes close: a leak raises the floor, so compare the fewest seen in
	// each window.
	fdsWarm, fdsEnd := -1, -1
	minFDs := func(cur, n int) int {
		if cur < 0 || n < cur {
			return n
		}
		return cur
	}
	okCount, errCount, procs, wantTotal := 0, 0, 0, 0
	for i := 1; i <= n; i++ {
		code, ok := soakCell(i)
		rep, _ := c.execute(code, 60*time.Second)
		st := content(rep)["status"]
		if ok != (st == wire.StatusOK) {
			t.Fatalf("execute %d %q: status %v: %s", i, code, st, rep.Content)
		}
		if ok {
			okCount++
		} else {
			errCount++
		}
		if code == "total++" {
			wantTotal++
		}
		if strings.Contains(code, "mp.NewProcess") {
			procs++
		}
		r := rss(t, pid)
		switch {
		case i > warm-window && i <= warm:
			warmRSS = append(warmRSS, r)
			fdsWarm = minFDs(fdsWarm, fds(pid))
		case i > n-window:
			endRSS = append(endRSS, r)
			fdsEnd = minFDs(fdsEnd, fds(pid))
		}
		if i > warm {
			rssPeak = max(rssPeak, r)
		}
	}
	out := c.mustExecute("fmt.Println(total, n.Load())")
	if want := fmt.Sprintln(wantTotal, procs); out != want {
		t.Errorf("after the soak: total, n = %q, want %q (a cell ran twice or not at all)", out, want)
	}
	rssWarm, rssEnd := median(warmRSS), median(endRSS)
	growth := float64(rssEnd-rssWarm) / float64(rssWarm) * 100
	t.Logf("soak: %d executes (%d ok, %d errors or panics, %d with a child process), all replied; kernel RSS (median of %d samples) %.1f MiB after %d executes (warm-up), %.1f MiB at the end (peak %.1f MiB): growth %+.1f%%; open fds (fewest in each window) %d -> %d",
		n, okCount, errCount, procs, window, mib(rssWarm), warm, mib(rssEnd), mib(rssPeak), growth, fdsWarm, fdsEnd)
	if growth >= 10 {
		t.Errorf("kernel RSS grew by %.1f%% from execute %d to %d, want < 10%%", growth, warm, n)
	}
	// The process-starting cells keep workers ready: allow their pipes.
	if fdsEnd > fdsWarm+8 {
		t.Errorf("kernel open fds grew from %d to %d: a leak", fdsWarm, fdsEnd)
	}
}

// median returns the median of xs.
func median(xs []int64) int64 {
	ys := slices.Clone(xs)
	slices.Sort(ys)
	return ys[len(ys)/2]
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
	conn, cf := writeConn(t, dir)
	shmBefore := shmEntries()
	fdsBefore := openFDs()
	children, withChildren := 0, 0
	for i := 0; i < n; i++ {
		p := &proc{cmd: exec.Command(bin, "kernel", cf), log: &syncBuffer{}, conn: conn, done: make(chan error, 1)}
		p.cmd.Dir = dir
		p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { p.done <- p.cmd.Wait() }()
		c := newClient(t, p)
		if i%5 == 0 {
			// Every fifth kernel starts children and shares memory
			// (a cold import of runtime/mp costs a go list run).
			c.mustExecute(importMP)
			out := c.mustExecute("func bump(n *mp.Value, l *mp.Lock) { l.Lock(); n.Add(1); l.Unlock() }\n" +
				"n := mp.NewValue(\"i\", 0)\nl := mp.NewLock()\nvar ps []*mp.Process\n" +
				"for i := 0; i < 2; i++ { ps = append(ps, mp.NewProcess(bump, n, l)) }\n" +
				"for _, q := range ps { q.Start() }\nfor _, q := range ps { q.Join() }\nfmt.Println(n.Load())")
			if strings.TrimSpace(out) != "2" {
				t.Errorf("restart %d: cell printed %q, want 2", i, out)
			}
			withChildren++
		} else if out := c.mustExecute("x := 6 * 7\nx"); out != "" {
			t.Errorf("restart %d: cell printed %q", i, out)
		}
		kids := descendants(p.cmd.Process.Pid)
		children += len(kids)
		id := c.send(c.control, wire.ShutdownRequest, map[string]any{"restart": true})
		rep := c.reply(c.controlCh, id, 20*time.Second)
		if content(rep)["restart"] != true {
			t.Errorf("restart %d: shutdown reply %s", i, rep.Content)
		}
		err, ok := p.wait(20 * time.Second)
		if !ok {
			p.kill()
			t.Fatalf("restart %d: kernel still running 20 s after shutdown_request; log:\n%s", i, p.log.String())
		}
		if err != nil {
			t.Errorf("restart %d: kernel exit: %v; log:\n%s", i, err, p.log.String())
		}
		c.close()
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
