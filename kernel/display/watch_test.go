package display

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// TestMain makes the test binary an mp child when Process.Start runs it.
func TestMain(m *testing.M) {
	mp.Main()
	os.Exit(m.Run())
}

// addSlowly adds value to number five times under lock, 60 ms a step.
func addSlowly(number *mp.Value, value int, lock *mp.Lock) {
	lock.Lock()
	defer lock.Unlock()
	for i := 0; i < 5; i++ {
		number.Add(value)
		time.Sleep(60 * time.Millisecond)
	}
}

// cellEnder is a recorder that runs functions when its cell ends, as the
// session does.
type cellEnder struct {
	recorder
	atEnd []func()
}

func (c *cellEnder) AtCellEnd(f func()) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.atEnd = append(c.atEnd, f)
	return true
}

// endCell runs what AtCellEnd was given.
func (c *cellEnder) endCell() {
	c.mu.Lock()
	fs := c.atEnd
	c.atEnd = nil
	c.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

// texts returns the text/plain of each message, and checks that they are
// one display and its updates.
func texts(t *testing.T, r *recorder) []string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for i, m := range r.msgs {
		if m.ID == "" || m.ID != r.msgs[0].ID || m.Update != (i > 0) {
			t.Errorf("message %d: id %q update %v; want one display (id %q) and then updates of it", i, m.ID, m.Update, r.msgs[0].ID)
		}
		out = append(out, m.Data[MIMEText].(string))
	}
	return out
}

// TestWatch runs two processes under a traced lock while a Watch shows
// them: the view is one display updated in place, shows the holder, the
// waiter and the shared Value as they change, and stops once both
// processes have exited.
func TestWatch(t *testing.T) {
	r := &recorder{}
	prev := SetSink(r)
	defer SetSink(prev)

	lock := mp.NewTracedLock()
	number := mp.NewValue("i", 0)
	w := Watch("lock", lock, "number", number)
	p1 := mp.NewProcess(addSlowly, number, 1, lock)
	p2 := mp.NewProcess(addSlowly, number, 3, lock)
	p1.Start()
	p2.Start()
	p1.Join()
	p2.Join()
	w.Wait()
	got := texts(t, r)
	n := len(got)
	all := strings.Join(got, "\n----\n")
	for _, want := range []string{"running, holds lock", "waiting for lock", "lock Lock: held by Process-", "; waiting: Process-"} {
		if !strings.Contains(all, want) {
			t.Errorf("no view showed %q; the views:\n%s", want, all)
		}
	}
	values := map[string]bool{}
	for _, s := range got {
		if i := strings.Index(s, "number Value('i'): "); i >= 0 {
			values[strings.Fields(s[i+len("number Value('i'): "):])[0]] = true
		}
	}
	if len(values) < 4 {
		t.Errorf("the views showed number as %v; want it seen changing (at least 4 values)", values)
	}
	last := got[n-1]
	for _, want := range []string{"(all ended)", "finished, exit code 0", "lock Lock: free", "number Value('i'): 20"} {
		if !strings.Contains(last, want) {
			t.Errorf("last view lacks %q:\n%s", want, last)
		}
	}
	time.Sleep(3 * WatchEvery)
	if after := len(texts(t, r)); after != n {
		t.Errorf("%d more redraws after the processes ended", after-n)
	}
}

// TestWatchCellEnd: with a sink that says when the cell ends, the view
// keeps drawing after the first processes ended, for the next ones the
// cell starts, and draws its last picture as part of the cell's end.
func TestWatchCellEnd(t *testing.T) {
	c := &cellEnder{}
	prev := SetSink(c)
	defer SetSink(prev)
	lock := mp.NewTracedLock()
	number := mp.NewValue("i", 0)
	w := Watch(lock, number)
	for _, value := range []int{1, 2} {
		p := mp.NewProcess(addSlowly, number, value, lock)
		p.Start()
		p.Join()
	}
	select {
	case <-w.done:
		t.Fatal("the view stopped before its cell ended")
	default:
	}
	c.endCell()
	select {
	case <-w.done:
	default:
		t.Fatal("the view still runs after its cell ended")
	}
	got := texts(t, &c.recorder)
	last := got[len(got)-1]
	if strings.Count(last, "finished, exit code 0") != 2 || !strings.Contains(last, "Value Value('i'): 15") {
		t.Errorf("the last view shows:\n%s\nwant both processes finished and the Value at 15", last)
	}
	n := len(got)
	time.Sleep(3 * WatchEvery)
	if after := len(texts(t, &c.recorder)); after != n {
		t.Errorf("%d redraws after the cell ended", after-n)
	}
}

// TestWatchNoSink: outside the kernel, the last view is printed as text.
func TestWatchNoSink(t *testing.T) {
	prev := SetSink(nil)
	defer SetSink(prev)
	rd, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = wr
	number := mp.NewValue("i", 0)
	w := Watch(number)
	p := mp.NewProcess(addSlowly, number, 2, mp.NewLock())
	p.Start()
	p.Join()
	w.Wait()
	os.Stdout = stdout
	wr.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := rd.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if out := b.String(); strings.Count(out, "Processes and shared objects") != 1 || !strings.Contains(out, "Value Value('i'): 10") {
		t.Errorf("printed %q; want the last view once", out)
	}
}
