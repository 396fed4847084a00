package reliability

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest/zmqtest"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

const importMP = "import (\n\t\"fmt\"\n\t\"os\"\n\t\"time\"\n\n\t\"github.com/gopherlab/gopherlab/runtime/mp\"\n)\n\nvar _ = os.Getpid"

// TestReconnect closes a client in the middle of a cell, as a browser tab
// closing a notebook does, and opens a new one with new sockets and a new
// session on the same kernel: it finds the kernel working and the
// notebook's variables intact. Each round disconnects in a different
// state: during a sleeping cell, during a cell printing a lot, and during
// a cell waiting for a child process.
func TestReconnect(t *testing.T) {
	p := startKernel(t)
	c := zmqtest.NewClient(t, p.Conn)
	run(c, importMP)
	run(c, "func child() { time.Sleep(300 * time.Millisecond) }\ncount := 0")
	cells := []string{
		"time.Sleep(300 * time.Millisecond)\ncount++",
		"for i := 0; i < 5000; i++ { fmt.Println(\"line\", i) }\ncount++",
		"q := mp.NewProcess(child)\nq.Start()\nq.Join()\ncount++",
		"time.Sleep(300 * time.Millisecond)\ncount++",
	}
	survived := 0
	for round, cell := range cells {
		id := c.Send(c.Shell, wire.ExecuteRequest, zmqtest.ExecuteContent(cell))
		// Wait until the cell runs (busy on IOPub), then go away.
		for busy := false; !busy; {
			select {
			case m := <-c.IOPubCh:
				busy = m.ParentHeader().MsgID == id && m.Type() == wire.Status && zmqtest.Content(m)["execution_state"] == wire.StateBusy
			case <-time.After(30 * time.Second):
				t.Fatalf("round %d: the cell never started", round)
			}
		}
		c.Close()
		c = zmqtest.NewClient(t, p.Conn)
		want := strconv.Itoa(round + 1)
		// The new client's first cell waits for the abandoned one to
		// finish: shell is served in order.
		if out := run(c, "fmt.Println(count)"); strings.TrimSpace(out) != want {
			t.Errorf("round %d: after reconnecting, count = %q, want %s (the abandoned cell ran once)", round, out, want)
		}
		if err := c.Ping(10 * time.Second); err != nil {
			t.Errorf("round %d: heartbeat after reconnecting: %v", round, err)
		}
		survived++
	}
	t.Logf("faults: %d disconnects in the middle of a cell (sleep, 5,000 lines of output, child process) with new sockets after each: kernel working every time", survived)
}

// TestKernelSIGKILL kills the kernel with SIGKILL while cells' children
// run (and one holds a lock): no child survives it and /dev/shm is as
// before. It does so once, 5 times with GOPHERLAB_SOAK=1.
func TestKernelSIGKILL(t *testing.T) {
	shmBefore := shmEntries()
	rounds := 1
	if soak() {
		rounds = 5
	}
	killed := 0
	for round := 0; round < rounds; round++ {
		p := startKernel(t)
		c := zmqtest.NewClient(t, p.Conn)
		run(c, importMP)
		run(c, "func sleeper(l *mp.Lock, v *mp.Value) { l.Lock(); v.Add(1); l.Unlock(); time.Sleep(time.Hour) }")
		run(c, "func holder(l *mp.Lock, v *mp.Value) { l.Lock(); v.Add(1); time.Sleep(time.Hour) }")
		// The cell is still running when the kernel dies: at its end it
		// waits for its non-daemon children, which sleep for an hour.
		c.Send(c.Shell, wire.ExecuteRequest, zmqtest.ExecuteContent(`lock := mp.NewLock()
v := mp.NewValue("i", 0)
var ps []*mp.Process
for i := 0; i < 3; i++ {
	ps = append(ps, mp.NewProcess(sleeper, lock, v))
}
d := mp.NewProcess(sleeper, lock, v)
d.SetDaemon(true)
ps = append(ps, d)
for _, q := range ps {
	q.Start()
}
for v.Load() < 4 {
	time.Sleep(time.Millisecond)
}
h := mp.NewProcess(holder, lock, v)
h.Start()
for v.Load() < 5 {
	time.Sleep(time.Millisecond)
}
fmt.Println("all started")`))
		for out := ""; !strings.Contains(out, "all started"); {
			select {
			case m := <-c.IOPubCh:
				if m.Type() == wire.Stream {
					out += zmqtest.Content(m)["text"].(string)
				}
			case <-time.After(60 * time.Second):
				t.Fatalf("round %d: the children did not start", round)
			}
		}
		kids := descendants(p.Cmd.Process.Pid)
		if len(kids) < 5 {
			t.Fatalf("round %d: kernel has %d descendants, want at least the 5 started", round, len(kids))
		}
		if err := p.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		p.Wait(10 * time.Second)
		if left := waitGone(kids, 20*time.Second); len(left) > 0 {
			t.Errorf("round %d: %d of %d children still alive 20 s after the kernel's SIGKILL: %v", round, len(left), len(kids), left)
			for _, pid := range left {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		} else {
			killed += len(kids)
		}
		c.Close()
	}
	for name := range shmEntries() {
		if !shmBefore[name] {
			t.Errorf("new /dev/shm entry %s after the kernel's SIGKILL", name)
		}
	}
	t.Logf("faults: kernel SIGKILLed %d times with children running (one holding a lock): %d children all gone, no /dev/shm entry", rounds, killed)
}

// TestChildKilledHoldingLock kills, with SIGKILL, a child that holds an
// mp.Lock, while three others wait for it: they take the lock over and
// finish, and the cell's own Lock works too.
func TestChildKilledHoldingLock(t *testing.T) {
	p := startKernel(t)
	c := zmqtest.NewClient(t, p.Conn)
	run(c, importMP)
	run(c, `func holder(l *mp.Lock, v *mp.Value) {
	l.Lock()
	v.Store(1)
	time.Sleep(time.Hour)
}

func worker(l *mp.Lock, n *mp.Value) {
	for i := 0; i < 100; i++ {
		l.Lock()
		n.Store(n.Load() + 1)
		l.Unlock()
	}
}`)
	rounds := 3
	for round := 0; round < rounds; round++ {
		out := run(c, `lock := mp.NewLock()
held := mp.NewValue("i", 0)
n := mp.NewRawValue("i", 0)
h := mp.NewProcess(holder, lock, held)
h.Start()
for held.Load() == 0 {
	time.Sleep(time.Millisecond)
}
var ws []*mp.Process
for i := 0; i < 3; i++ {
	w := mp.NewProcess(worker, lock, n)
	w.Start()
	ws = append(ws, w)
}
time.Sleep(100 * time.Millisecond)
h.Kill()
h.Join()
for _, w := range ws {
	if err := w.Join(); err != nil {
		fmt.Println("worker:", err)
	}
}
lock.Lock()
fmt.Println(n.Load())
lock.Unlock()`)
		if strings.TrimSpace(out) != "300" {
			t.Errorf("round %d: output %q, want 300 (3 workers x 100 increments after the holder died)", round, out)
		}
	}
	t.Logf("faults: %d children SIGKILLed while holding an mp.Lock, 3 waiters each time took it over and finished (%d increments each round)", rounds, 300)
}
