package mp_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

func sprintAny(v any) string { return fmt.Sprintf("%T %v", v, v) }

func square(x int) int { return x * x }

func half(x int) (float64, error) {
	if x < 0 {
		return 0, errors.New("negative")
	}
	return float64(x) / 2, nil
}

func explode(x int) int {
	if x == 3 {
		panic("three")
	}
	return x
}

func TestPool(t *testing.T) {
	pool := mp.NewPool(3)
	defer pool.Close()
	items := make([]int, 50)
	for i := range items {
		items[i] = i
	}
	got, err := pool.MapInts(square, items)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range got {
		if g != i*i {
			t.Fatalf("square(%d) = %d", i, g)
		}
	}
	out, err := pool.Map(half, []any{1, 2, 3})
	if err != nil || fmt.Sprint(out) != "[0.5 1 1.5]" {
		t.Errorf("Map(half) = %v, %v", out, err)
	}
	out, err = pool.Map(half, []any{1, -2})
	if err == nil || !strings.Contains(err.Error(), "item 1: negative") || out[0] != 0.5 || out[1] != nil {
		t.Errorf("Map with an error = %v, %v", out, err)
	}
	_, err = pool.MapInts(explode, []int{1, 2, 3, 4})
	if err == nil || !strings.Contains(err.Error(), "item 2: mp_test.explode panicked: three") {
		t.Errorf("Map with a panic: %v", err)
	}
	if _, err := pool.Map(func(x int) int { return x }, []any{1}); err == nil || !strings.Contains(err.Error(), "closure") {
		t.Errorf("Map of a closure: %v", err)
	}
	if _, err := pool.Map(add, []any{1}); err == nil || !strings.Contains(err.Error(), "one parameter") {
		t.Errorf("Map of a two-parameter function: %v", err)
	}
	if err := pool.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.MapInts(square, items); err == nil {
		t.Error("Map after Close succeeded")
	}
}

type item struct {
	Name  string
	Count int
	Tags  []string
}

type summary struct {
	Name  string
	Total int
}

func summarize(it item) summary { return summary{it.Name, it.Count * len(it.Tags)} }

func upper(s string) string { return strings.ToUpper(s) }

type secret struct{ word string }

func root(x float64) float64 { return x * x }

func typeAndValue(x any) string { return fmt.Sprintf("%T %v", x, x) }

func noResult(x int) {}

func checkEven(x int) error {
	if x%2 != 0 {
		return fmt.Errorf("%d is odd", x)
	}
	return nil
}

// TestPoolMapSlices maps over slices and arrays of many element types, and
// the conversions a call would make.
func TestPoolMapSlices(t *testing.T) {
	pool := mp.NewPool(2)
	defer pool.Close()
	for _, c := range []struct {
		name  string
		fn    any
		items any
		want  string
	}{
		{"[]int", square, []int{1, 2, 3}, "[1 4 9]"},
		{"[3]int", square, [3]int{4, 5, 6}, "[16 25 36]"},
		{"[]int8 to int", square, []int8{7, -8}, "[49 64]"},
		{"[]string", upper, []string{"a", "bc"}, "[A BC]"},
		{"[]int to float64", root, []int{2, 3}, "[4 9]"},
		{"[]any of numbers to float64", root, []any{1, 2.5}, "[1 6.25]"},
		{"[]struct", summarize, []item{{"a", 2, []string{"x", "y"}}, {"b", 5, nil}}, "[{a 4} {b 0}]"},
		{"[]any to any", typeAndValue, []any{1, "two", 3.5, nil, []int{4}}, "[int 1 string two float64 3.5 <nil> <nil> []int [4]]"},
		{"a pointer, copied", typeAndValue, []any{&item{Name: "p"}}, "[*mp_test.item &{p 0 []}]"},
		{"unexported fields, copied", typeAndValue, []any{secret{"s"}}, "[mp_test.secret {s}]"},
		{"no result", noResult, []int{1, 2}, "[<nil> <nil>]"},
		{"only an error", checkEven, []int{2, 4}, "[<nil> <nil>]"},
		{"empty", square, []int{}, "[]"},
		{"nil", square, nil, "[]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := pool.Map(c.fn, c.items)
			if err != nil || fmt.Sprint(got) != c.want {
				t.Errorf("Map = %v, %v; want %s", got, err, c.want)
			}
		})
	}
	for _, c := range []struct {
		name  string
		fn    any
		items any
		want  string
	}{
		{"not a slice", square, 3, "items must be a slice or an array"},
		{"does not fit", square, []float64{1.5}, "item 0 for mp_test.square: 1.5 does not fit in a int"},
		{"wrong type", square, []string{"a"}, "item 0 for mp_test.square: the function wants a int, got a string"},
		{"nil item", square, []any{1, nil}, "item 1 for mp_test.square: it is nil"},
		{"a channel", typeAndValue, []any{make(chan int)}, "cannot be copied to a worker: channels work within one process"},
		{"a shared object", typeAndValue, []any{mp.NewLock()}, "shared objects"},
		{"an error", checkEven, []int{2, 3, 5}, "mp: Pool.Map: item 1: 3 is odd"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := pool.Map(c.fn, c.items); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Map = %v; want an error with %q", err, c.want)
			}
		})
	}
}

func count(x int) int64 { return int64(x) + 1 }

func TestPoolMapInto(t *testing.T) {
	pool := mp.NewPool(2)
	defer pool.Close()
	var squares []int
	if err := pool.MapInto(square, []int{1, 2, 3}, &squares); err != nil || fmt.Sprint(squares) != "[1 4 9]" {
		t.Errorf("MapInto = %v, %v", squares, err)
	}
	var sums []summary
	if err := pool.MapInto(summarize, []item{{"a", 1, []string{"t"}}}, &sums); err != nil || sums[0] != (summary{"a", 1}) {
		t.Errorf("MapInto of structs = %v, %v", sums, err)
	}
	var counts []int // int64 results convert
	if err := pool.MapInto(count, []int{1, 2}, &counts); err != nil || fmt.Sprint(counts) != "[2 3]" {
		t.Errorf("MapInto converting = %v, %v", counts, err)
	}
	var halves []float64
	err := pool.MapInto(half, []int{2, -1, 4}, &halves)
	if err == nil || !strings.Contains(err.Error(), "item 1: negative") || fmt.Sprint(halves) != "[1 0 2]" {
		t.Errorf("MapInto with an error = %v, %v", halves, err)
	}
	if err := pool.MapInto(square, []int{1}, squares); err == nil || !strings.Contains(err.Error(), "out must point to a slice") {
		t.Errorf("MapInto into a slice, not a pointer: %v", err)
	}
	var strs []string
	if err := pool.MapInto(square, []int{1}, &strs); err == nil || !strings.Contains(err.Error(), "cannot store the result of item 0 in a []string") {
		t.Errorf("MapInto into the wrong type: %v", err)
	}
	ints, err := pool.MapInts(count, []int{5})
	if err != nil || fmt.Sprint(ints) != "[6]" {
		t.Errorf("MapInts of a func(int) int64 = %v, %v", ints, err)
	}
	ints, err = pool.MapInts(square, nil)
	if err != nil || ints == nil || len(ints) != 0 {
		t.Errorf("MapInts of noResult = %#v, %v", ints, err)
	}
}

func label(n int, s string, f float64) string { return fmt.Sprintf("%d-%s-%.1f", n, s, f) }

func add2(a, b int) int { return a + b }

func TestPoolStarmap(t *testing.T) {
	pool := mp.NewPool(2)
	defer pool.Close()
	got, err := pool.Starmap(label, [][]any{{1, "a", 0.5}, {2, "b", 3}})
	if err != nil || fmt.Sprint(got) != "[1-a-0.5 2-b-3.0]" {
		t.Errorf("Starmap = %v, %v", got, err)
	}
	got, err = pool.Starmap(add2, [][2]int{{1, 2}, {3, 4}})
	if err != nil || fmt.Sprint(got) != "[3 7]" {
		t.Errorf("Starmap of arrays = %v, %v", got, err)
	}
	got, err = pool.Starmap(add2, [][]int{{10, 20}})
	if err != nil || fmt.Sprint(got) != "[30]" {
		t.Errorf("Starmap of [][]int = %v, %v", got, err)
	}
	r := pool.StarmapAsync(add2, []any{[]int{1, 1}, [2]int{2, 2}})
	if got, err := r.Get(); err != nil || fmt.Sprint(got) != "[2 4]" || !r.Successful() {
		t.Errorf("StarmapAsync = %v, %v", got, err)
	}
	if _, err := pool.Starmap(add2, [][]int{{1}}); err == nil || !strings.Contains(err.Error(), "item 0 has 1 argument; mp_test.add2 takes 2") {
		t.Errorf("Starmap with too few arguments: %v", err)
	}
	if _, err := pool.Starmap(add2, []int{1}); err == nil || !strings.Contains(err.Error(), "item 0 must be a list of arguments") {
		t.Errorf("Starmap of ints: %v", err)
	}
}

func sleepThen(ms int) int {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return ms
}

func TestPoolApply(t *testing.T) {
	pool := mp.NewPool(2)
	defer pool.Close()
	v, err := pool.Apply(label, 7, "x", 1)
	if err != nil || v != "7-x-1.0" {
		t.Errorf("Apply = %v, %v", v, err)
	}
	if _, err := pool.Apply(half, -1); err == nil || err.Error() != "mp: Pool.Apply: negative" {
		t.Errorf("Apply returning an error: %v", err)
	}
	if _, err := pool.Apply(explode, 3); err == nil || !strings.Contains(err.Error(), "mp_test.explode panicked: three") {
		t.Errorf("Apply panicking: %v", err)
	}
	if _, err := pool.Apply(add2, 1); err == nil || !strings.Contains(err.Error(), "takes 2 arguments") {
		t.Errorf("Apply with too few arguments: %v", err)
	}
	if v, err := pool.Apply(noResult, 1); v != nil || err != nil {
		t.Errorf("Apply of a function without result = %v, %v", v, err)
	}

	slow := pool.ApplyAsync(sleepThen, 300)
	if slow.Ready() || slow.Successful() {
		t.Error("a 300 ms call is ready at once")
	}
	if slow.WaitTimeout(time.Millisecond) {
		t.Error("WaitTimeout(1ms) of a 300 ms call reported it done")
	}
	if !slow.WaitTimeout(time.Minute) || !slow.Ready() || !slow.Successful() {
		t.Error("the call did not finish")
	}
	if v, err := slow.Get(); v != 300 || err != nil {
		t.Errorf("Get = %v, %v", v, err)
	}
	bad := pool.ApplyAsync(half, -4)
	bad.Wait()
	if bad.Successful() {
		t.Error("a failed call is Successful")
	}
	// Many calls at once, from many goroutines.
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := make([]*mp.AsyncResult, 50)
			for i := range rs {
				rs[i] = pool.ApplyAsync(square, g*100+i)
			}
			for i, r := range rs {
				if v, err := r.Get(); err != nil || v != (g*100+i)*(g*100+i) {
					t.Errorf("ApplyAsync(square, %d) = %v, %v", g*100+i, v, err)
				}
			}
		}()
	}
	wg.Wait()
}

// waitFor returns name once the file dir/name exists.
func waitFor(path string) string {
	for {
		if _, err := os.Stat(path); err == nil {
			return filepath.Base(path)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestPoolConcurrentMaps checks that a call does not wait for an earlier
// one that holds a worker: the first call's task waits for a file that the
// test creates only once the second call has returned.
func TestPoolConcurrentMaps(t *testing.T) {
	pool := mp.NewPool(2)
	defer pool.Close()
	gate := filepath.Join(t.TempDir(), "gate")
	first := pool.MapAsync(waitFor, []string{gate})
	got, err := pool.Map(square, []int{1, 2, 3, 4, 5, 6})
	if err != nil || fmt.Sprint(got) != "[1 4 9 16 25 36]" {
		t.Errorf("second Map = %v, %v", got, err)
	}
	if first.Ready() {
		t.Error("the first call finished before its gate opened")
	}
	os.WriteFile(gate, nil, 0o600)
	if got, err := first.Get(); err != nil || fmt.Sprint(got) != "[gate]" {
		t.Errorf("first Map = %v, %v", got, err)
	}
}

// TestPoolImap checks that Imap yields results in order, each as soon as
// it is ready: the last task waits for a file the test creates only after
// reading the first result.
func TestPoolImap(t *testing.T) {
	pool := mp.NewPool(2)
	defer pool.Close()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, nil, 0o600)
	it := pool.Imap(waitFor, []string{a, b})
	if !it.Next() || it.Value() != "a" || it.Err() != nil || it.Index() != 0 {
		t.Fatalf("first result %v, %v", it.Value(), it.Err())
	}
	os.WriteFile(b, nil, 0o600)
	if !it.Next() || it.Value() != "b" || it.Index() != 1 {
		t.Fatalf("second result %v, %v", it.Value(), it.Err())
	}
	if it.Next() || it.Err() != nil {
		t.Errorf("a third result: %v, %v", it.Value(), it.Err())
	}

	var got []string
	for v, err := range pool.Imap(checkEven, []int{2, 3, 4}).All() {
		got = append(got, fmt.Sprint(v, err))
	}
	if want := "[<nil> <nil> <nil> mp: Pool.Imap: item 1: 3 is odd <nil> <nil>]"; fmt.Sprint(got) != want {
		t.Errorf("Imap(checkEven).All() = %v, want %s", got, want)
	}

	pool.SetChunkSize(1)
	defer pool.SetChunkSize(0)
	it = pool.ImapUnordered(sleepThen, []int{400, 0, 0, 0})
	var order []int
	for it.Next() {
		order = append(order, it.Index())
		if it.Value() != []int{400, 0, 0, 0}[it.Index()] {
			t.Errorf("item %d: %v", it.Index(), it.Value())
		}
	}
	if len(order) != 4 || order[3] != 0 {
		t.Errorf("ImapUnordered order %v: the 400 ms task should come last", order)
	}
	sort.Ints(order)
	if fmt.Sprint(order) != "[0 1 2 3]" {
		t.Errorf("ImapUnordered yielded items %v", order)
	}
	if it := pool.Imap(square, "no"); it.Next() || it.Err() == nil {
		t.Error("Imap of a string yielded")
	}
}

func TestPoolCloseAndTerminate(t *testing.T) {
	pool := mp.NewPool(2)
	r := pool.MapAsync(sleepThen, []int{100, 100, 100})
	if err := pool.Close(); err != nil {
		t.Fatal(err)
	}
	if !r.Ready() || !r.Successful() {
		t.Error("Close returned before the call under way finished")
	}
	if got, err := r.Get(); err != nil || fmt.Sprint(got) != "[100 100 100]" {
		t.Errorf("Get after Close = %v, %v", got, err)
	}
	if r := pool.MapAsync(square, []int{1}); r.Successful() || !r.Ready() {
		t.Error("MapAsync on a closed pool")
	} else if _, err := r.Get(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("MapAsync on a closed pool: %v", err)
	}
	if pool.String() != "Pool(2 workers, closed)" {
		t.Errorf("String = %q", pool.String())
	}

	pool = mp.NewPool(2)
	r = pool.MapAsync(sleepThen, []int{60000, 60000})
	a := pool.ApplyAsync(sleepThen, 60000)
	time.Sleep(50 * time.Millisecond)
	if err := pool.Terminate(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Get(); err == nil || !strings.Contains(err.Error(), "mp: Pool.MapAsync: the pool was terminated") {
		t.Errorf("MapAsync across Terminate: %v", err)
	}
	if _, err := a.Get(); err == nil || !strings.Contains(err.Error(), "terminated") {
		t.Errorf("ApplyAsync across Terminate: %v", err)
	}
}

func exitAt(x int) int {
	if x == 2 {
		os.Exit(3)
	}
	return x
}

// TestPoolWorkerDies checks that Map reports a worker that died instead
// of waiting forever for its result.
func TestPoolWorkerDies(t *testing.T) {
	pool := mp.NewPool(2)
	defer pool.Close()
	_, err := pool.MapInts(exitAt, []int{1, 2, 3})
	if err == nil || !strings.Contains(err.Error(), "died") || !strings.Contains(err.Error(), "exited with code 3") {
		t.Errorf("Map with a dying worker = %v", err)
	}
	if _, err := pool.MapInts(square, []int{1}); err == nil {
		t.Error("Map on a broken pool succeeded")
	}
}

// TestPoolLargeValues sends chunks larger than a socket message (they
// travel in memory files) and checks every byte comes back.
func TestPoolLargeValues(t *testing.T) {
	pool := mp.NewPool(2)
	defer pool.Close()
	items := make([]string, 40)
	for i := range items {
		items[i] = strings.Repeat(string(rune('a'+i%26)), 20000+i)
	}
	var got []string
	if err := pool.MapInto(upper, items, &got); err != nil {
		t.Fatal(err)
	}
	for i := range items {
		if got[i] != strings.ToUpper(items[i]) {
			t.Fatalf("item %d: %d bytes back, want %d", i, len(got[i]), len(items[i]))
		}
	}
}

// TestPoolManyCalls runs many calls of several kinds at once on one pool,
// from many goroutines (run it with -race).
func TestPoolManyCalls(t *testing.T) {
	pool := mp.NewPool(3)
	defer pool.Close()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			xs := make([]int, 200+g)
			for i := range xs {
				xs[i] = g + i
			}
			var sq []int
			if err := pool.MapInto(square, xs, &sq); err != nil {
				t.Error(err)
				return
			}
			items := []item{{fmt.Sprint(g), g, []string{"a", "b"}}}
			sums, err := pool.Map(summarize, items)
			if err != nil || sums[0] != (summary{fmt.Sprint(g), 2 * g}) {
				t.Errorf("Map(summarize) = %v, %v", sums, err)
			}
			for i, x := range xs {
				if sq[i] != x*x {
					t.Errorf("goroutine %d: square(%d) = %d", g, x, sq[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestPoolString(t *testing.T) {
	pool := mp.NewPool(1)
	defer pool.Close()
	if s := pool.String(); s != "Pool(1 worker)" {
		t.Errorf("String = %q", s)
	}
	if got := reflect.TypeOf(pool.Imap(square, nil)).String(); got != "*mp.MapIterator" {
		t.Error(got)
	}
}
