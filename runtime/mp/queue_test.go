package mp_test

import (
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

func produce(q *mp.Queue, from, n int) error {
	for i := from; i < from+n; i++ {
		if err := q.Put(i); err != nil {
			return err
		}
	}
	return nil
}

func consume(q, out *mp.Queue, n int) error {
	sum := 0
	for i := 0; i < n; i++ {
		v, err := q.Get()
		if err != nil {
			return err
		}
		sum += v.(int)
	}
	return out.Put(sum)
}

// TestQueueManyProducersConsumers has 3 producer and 2 consumer processes
// share a small queue: every value is got exactly once.
func TestQueueManyProducersConsumers(t *testing.T) {
	const producers, consumers, n = 3, 2, 300
	q := mp.NewQueue(5)
	defer q.Close()
	sums := mp.NewQueue(0)
	defer sums.Close()
	var ps []*mp.Process
	for i := 0; i < producers; i++ {
		ps = append(ps, mp.NewProcess(produce, q, i*n, n))
	}
	for i := 0; i < consumers; i++ {
		ps = append(ps, mp.NewProcess(consume, q, sums, producers*n/consumers))
	}
	for _, p := range ps {
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range ps {
		if err := p.Join(); err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for i := 0; i < consumers; i++ {
		var s int
		if err := sums.GetInto(&s); err != nil {
			t.Fatal(err)
		}
		total += s
	}
	m := producers * n
	if want := m * (m - 1) / 2; total != want {
		t.Errorf("consumers got a total of %d, want %d", total, want)
	}
	if q.Len() != 0 {
		t.Errorf("Len after draining = %d", q.Len())
	}
}

type record struct {
	Name  string
	Score float64
	Tags  []string
}

func TestQueueInProcess(t *testing.T) {
	q := mp.NewQueue(2)
	if err := q.Put("a"); err != nil {
		t.Fatal(err)
	}
	if err := q.Put(map[string][]int{"x": {1, 2}}); err != nil {
		t.Fatal(err)
	}
	if q.Len() != 2 || q.Cap() != 2 {
		t.Errorf("Len %d Cap %d", q.Len(), q.Cap())
	}
	if err := q.PutTimeout(3, 20*time.Millisecond); !errors.Is(err, mp.ErrFull) {
		t.Errorf("PutTimeout on a full queue = %v, want ErrFull", err)
	}
	if v, err := q.Get(); err != nil || v != "a" {
		t.Errorf("Get = %v, %v", v, err)
	}
	if v, err := q.Get(); err != nil || v.(map[string][]int)["x"][1] != 2 {
		t.Errorf("Get = %#v, %v", v, err)
	}
	if _, err := q.GetTimeout(20 * time.Millisecond); !errors.Is(err, mp.ErrEmpty) {
		t.Errorf("GetTimeout on an empty queue = %v, want ErrEmpty", err)
	}
	big := make([]int, 100000)
	big[99999] = 7
	q.Put(record{"r", 1.5, []string{"t"}})
	q.Put(big)
	var r record
	if err := q.GetInto(&r); err != nil || r.Name != "r" || r.Tags[0] != "t" {
		t.Errorf("GetInto = %+v, %v", r, err)
	}
	if v, err := q.Get(); err != nil || len(v.([]int)) != 100000 || v.([]int)[99999] != 7 {
		t.Errorf("big value: %v", err)
	}
	if err := q.Put(make(chan int)); err == nil {
		t.Error("Put of a channel succeeded")
	}
	done := make(chan error)
	go func() { _, err := q.Get(); done <- err }()
	time.Sleep(10 * time.Millisecond)
	q.Close()
	if err := <-done; !errors.Is(err, mp.ErrClosed) {
		t.Errorf("Get interrupted by Close = %v, want ErrClosed", err)
	}
	if err := q.Put(1); !errors.Is(err, mp.ErrClosed) {
		t.Errorf("Put after Close = %v", err)
	}
}

func echo(c *mp.Conn) error {
	for {
		v, err := c.Recv()
		if err != nil {
			return err
		}
		if v == "stop" {
			return c.Close()
		}
		if err := c.Send(v); err != nil {
			return err
		}
	}
}

func TestPipe(t *testing.T) {
	a, b := mp.NewPipe()
	p := mp.NewProcess(echo, b)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	b.Close() // the child holds its own copy
	for _, v := range []any{1, "two", []float64{3}, map[int]string{4: "four"}} {
		if err := a.Send(v); err != nil {
			t.Fatal(err)
		}
		got, err := a.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if want := v; !equalish(got, want) {
			t.Errorf("echo of %#v = %#v", want, got)
		}
	}
	if a.Poll(10 * time.Millisecond) {
		t.Error("Poll reports data nobody sent")
	}
	a.Send("stop")
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	if !a.Poll(time.Second) {
		t.Error("Poll does not report the end of the connection")
	}
	if _, err := a.Recv(); err == nil || err.Error() != "EOF" {
		t.Errorf("Recv after the other end closed = %v, want EOF", err)
	}
	a.Close()
}

func equalish(a, b any) bool {
	return sprint(a) == sprint(b)
}

func sprint(v any) string {
	switch v := v.(type) {
	case map[int]string:
		keys := []int{}
		for k := range v {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		return sprintAny(keys)
	}
	return sprintAny(v)
}

// describe gets one value from in and puts back a description of it.
func describe(in, out *mp.Queue) error {
	v, err := in.Get()
	if err != nil {
		return err
	}
	return out.Put(fmt.Sprintf("%T %+v", v, v))
}

type order struct {
	ID    int
	Items []string
}

// TestQueueStructAcrossProcesses sends a struct type the child never
// registered: Get finds it because the child runs the same executable.
func TestQueueStructAcrossProcesses(t *testing.T) {
	in, out := mp.NewQueue(1), mp.NewQueue(1)
	defer in.Close()
	defer out.Close()
	p := mp.NewProcess(describe, in, out)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	in.Put([]order{{7, []string{"tea"}}})
	got, err := out.Get()
	if err != nil {
		t.Fatal(err)
	}
	if want := "[]mp_test.order [{ID:7 Items:[tea]}]"; got != want {
		t.Errorf("child got %q, want %q", got, want)
	}
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
}
