package mp_test

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// useAll uses every kind of shared object once.
func useAll(q *mp.Queue, c *mp.Conn, v *mp.Value, a *mp.Array, l *mp.Lock) error {
	l.Lock()
	v.Add(1)
	a.Store(0, 7)
	l.Unlock()
	if err := c.Send("hi"); err != nil {
		return err
	}
	return q.Put(make([]int, 50000)) // large: travels in a memory file
}

func openFDs(t *testing.T) int {
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(es)
}

// children lists the processes whose parent is this process, zombies
// included.
func children() []string {
	ents, _ := os.ReadDir("/proc")
	me := strconv.Itoa(os.Getpid())
	var kids []string
	for _, e := range ents {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && fields[1] == me {
			kids = append(kids, e.Name()+" "+fields[0])
		}
	}
	return kids
}

func shmEntries() int {
	es, _ := os.ReadDir("/dev/shm")
	n := 0
	for _, e := range es {
		if strings.HasPrefix(e.Name(), "gopherlab") {
			n++
		}
	}
	return n
}

func TestNoLeaks(t *testing.T) {
	runtime.GC()
	fds, shm := openFDs(t), shmEntries()
	func() {
		q, v, a, l := mp.NewQueue(4), mp.NewValue("i", 0), mp.NewArray("i", 3), mp.NewLock()
		c1, c2 := mp.NewPipe()
		defer q.Close()
		defer c1.Close()
		defer c2.Close()
		p := mp.NewProcess(useAll, q, c2, v, a, l)
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		if got, err := c1.Recv(); err != nil || got != "hi" {
			t.Errorf("Recv = %v, %v", got, err)
		}
		if got, err := q.Get(); err != nil || len(got.([]int)) != 50000 {
			t.Errorf("Get: %v", err)
		}
		if err := p.Join(); err != nil {
			t.Fatal(err)
		}
		if v.Load() != 1 || a.Load(0) != 7 {
			t.Errorf("child's writes not seen: %v %v", v, a)
		}
		// A refused process and a killed one leave nothing either.
		mp.NewProcess(useAll, q, c2, v, a, 1).Start()
		k := mp.NewProcess(sleepLong)
		if err := k.Start(); err != nil {
			t.Fatal(err)
		}
		k.Kill()
		k.Join()
		pool := mp.NewPool(2)
		pool.MapInts(square, []int{1, 2, 3})
		pool.Close()
	}()
	if kids := children(); len(kids) > 0 {
		t.Errorf("child processes left: %v", kids)
	}
	after := 0
	for i := 0; i < 100; i++ {
		runtime.GC()
		if after = openFDs(t); after <= fds {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if after > fds {
		t.Errorf("leaked file descriptors: %d open before, %d after", fds, after)
	}
	if n := shmEntries(); n > shm {
		t.Errorf("leaked %d /dev/shm entries", n-shm)
	}
}
