package mp

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"time"
)

// A Pool is a set of worker processes that call a function on many values
// in parallel, like Python's multiprocessing.Pool. Create one with
// [NewPool]; its workers start, all at once, at its first call, and serve
// every call until [Pool.Close]. The function, like a [Process] target,
// must be a top-level function; arguments and results are copied as a
// Process's arguments are (pointers, unexported fields and interface
// values too; shared objects cannot be a task's arguments: pass them to
// processes you start with [NewProcess]). A Pool's methods
// are safe for concurrent use, and several calls run at once, the earlier
// ones first.
//
// The methods are Python's:
//
//	Python                                  Go
//	pool.map(f, xs)                         res, err := pool.Map(f, xs)        // []any
//	                                        err := pool.MapInto(f, xs, &res)   // typed: res []int
//	pool.map_async(f, xs)                   r := pool.MapAsync(f, xs); res, err := r.Get()
//	pool.starmap(f, [(1, 2), (3, 4)])       pool.Starmap(f, [][]any{{1, 2}, {3, 4}})
//	pool.apply(f, (a, b))                   v, err := pool.Apply(f, a, b)
//	pool.apply_async(f, (a, b))             r := pool.ApplyAsync(f, a, b); v, err := r.Get()
//	for x in pool.imap(f, xs):              for x, err := range pool.Imap(f, xs).All() { ... }
//	pool.imap_unordered(f, xs)              pool.ImapUnordered(f, xs)
//	map(..., chunksize=n)                   pool.SetChunkSize(n)
//	pool.close(); pool.join()               pool.Close()
//	pool.terminate()                        pool.Terminate()
//
// Tasks travel to the workers in chunks, as with Python's chunksize: by
// default a call of n tasks on a pool of w workers is cut into chunks of
// n/(4w) tasks, rounded up, so that each worker gets about four. A worker
// sends the results of a chunk when it is done with it, or, for slow
// tasks, every millisecond, so Imap sees results soon after they are
// computed.
//
// When a task fails (the function panics or returns a non-nil error), the
// others still run; the call returns their results and an error naming the
// first task that failed, with its panic value or error text. When a worker
// dies, every unfinished call returns an error saying so and the pool is
// closed.
type Pool struct {
	mu        sync.Mutex
	n         int
	chunkSize int // 0: Python's default

	started   bool
	starting  int           // workers being started
	startDone chan struct{} // closed when starting drops to 0, if waited for
	workers   []*poolProc
	turn      int // where freeWorkerLocked starts looking

	queue      []*poolJob         // jobs with tasks not yet handed out, oldest first
	requeue    []*poolChunk       // chunks a worker gave back, to hand out first
	stealTimer *time.Timer        // looks for chunks to take back later
	jobs       map[*poolJob]bool  // unfinished jobs
	idle       chan struct{}      // closed when jobs becomes empty, if waited for
	fnIDs      map[string]uint64  // functions the workers know, by name and type
	cost       map[uint64]float64 // ns a task of each function took in a worker, lately
	nextJob    uint64

	closing bool  // Close or Terminate was called
	closed  bool  // the workers are stopping or stopped
	err     error // why the pool broke
}

// NewPool returns a Pool of n worker processes; n <= 0 means one per CPU
// (runtime.NumCPU), as Python's Pool(). No process starts before the first
// call.
func NewPool(n int) *Pool {
	if n <= 0 {
		n = runtime.NumCPU()
	}
	return &Pool{n: n, jobs: map[*poolJob]bool{}}
}

// SetChunkSize sets how many tasks later calls send to a worker at a time,
// Python's chunksize argument; n <= 0 restores the default (about four
// chunks a worker). Larger chunks cost less for tiny tasks; smaller ones
// balance tasks of uneven length better and let Imap yield sooner.
func (p *Pool) SetChunkSize(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.chunkSize = max(n, 0)
}

// Map calls fn on each item of items, a slice or array of any type, in the
// pool's processes, and returns the results in the order of items, like
// Python's pool.map. fn must be a top-level function of one parameter
// returning one value, optionally followed by an error: func square(x int)
// int. Items are converted to fn's parameter type as a call would convert
// constants (an int item may go to a float64 parameter; an element of a
// []any is its dynamic value). The results are fn's values, each in an
// any; [Pool.MapInto] stores them in a slice of their own type instead.
// When some calls fail (fn panics or returns an error), Map returns the
// results of the others (nil for the failed ones) and an error naming the
// first failed item.
func (p *Pool) Map(fn any, items any) ([]any, error) {
	j, err := p.mapJob("Map", fn, items, false, false)
	if err != nil {
		return nil, err
	}
	<-j.finished
	return p.anyResults(j)
}

// MapInto is [Pool.Map] storing the results in the slice out points to,
// which it replaces: out is a pointer to a slice whose element type fn's
// results convert to, such as *[]int for func square(x int) int:
//
//	var squares []int
//	err := pool.MapInto(square, []int{1, 2, 3}, &squares) // squares: [1 4 9]
//
// Failed items leave zero values; the error is Map's.
func (p *Pool) MapInto(fn any, items any, out any) error {
	ov := reflect.ValueOf(out)
	if out == nil || ov.Kind() != reflect.Pointer || ov.IsNil() || ov.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("mp: Pool.MapInto: out must point to a slice, as in MapInto(f, xs, &results); got %T", out)
	}
	j, err := p.mapJob("MapInto", fn, items, false, false)
	if err != nil {
		return err
	}
	<-j.finished
	return p.intoResults(j, ov.Elem())
}

// MapInts is [Pool.Map] for a function from int to int, such as
// func square(x int) int: items and results are []int. A function
// returning another integer type works too.
func (p *Pool) MapInts(fn any, items []int) ([]int, error) {
	j, err := p.mapJob("MapInts", fn, items, false, false)
	if err != nil {
		return nil, err
	}
	<-j.finished
	var out []int
	err = p.intoResults(j, reflect.ValueOf(&out).Elem())
	if out == nil && j.err == nil {
		out = []int{}
	}
	return out, err
}

// MapAsync starts [Pool.Map] and returns at once; the [MapResult] gives
// the results when they are ready, like Python's pool.map_async.
func (p *Pool) MapAsync(fn any, items any) *MapResult {
	j, err := p.mapJob("MapAsync", fn, items, true, false)
	if err != nil {
		return &MapResult{pool: p, job: failedJob("MapAsync", err)}
	}
	return &MapResult{pool: p, job: j}
}

// Starmap calls fn on each list of arguments in argLists and returns the
// results in order, like Python's pool.starmap: argLists is a slice whose
// elements are slices or arrays of fn's arguments, such as [][]any{{1,
// "a"}, {2, "b"}} for func f(n int, s string) string, or [][2]int{{1, 2},
// {3, 4}} for func add(a, b int) int. Results and errors are as Map's.
func (p *Pool) Starmap(fn any, argLists any) ([]any, error) {
	j, err := p.starJob("Starmap", fn, argLists)
	if err != nil {
		return nil, err
	}
	<-j.finished
	return p.anyResults(j)
}

// StarmapAsync starts [Pool.Starmap] and returns at once, like Python's
// pool.starmap_async.
func (p *Pool) StarmapAsync(fn any, argLists any) *MapResult {
	j, err := p.starJob("StarmapAsync", fn, argLists)
	if err != nil {
		return &MapResult{pool: p, job: failedJob("StarmapAsync", err)}
	}
	return &MapResult{pool: p, job: j}
}

// Apply calls fn(args...) in one of the pool's processes and returns its
// result (nil when fn has none) and, when fn panics or returns a non-nil
// error, that error, like Python's pool.apply.
func (p *Pool) Apply(fn any, args ...any) (any, error) {
	return p.ApplyAsync(fn, args...).Get()
}

// ApplyAsync starts fn(args...) in one of the pool's processes and returns
// at once, like Python's pool.apply_async; the [AsyncResult] gives the
// result when it is ready. Calls run at once on different workers, as far
// as there are workers.
func (p *Pool) ApplyAsync(fn any, args ...any) *AsyncResult {
	f, err := newPoolFunc("ApplyAsync", fn, -1)
	var cols []reflect.Value
	if err == nil {
		cols, err = argColumns("ApplyAsync", args, f)
	}
	if err != nil {
		return &AsyncResult{pool: p, job: failedJob("ApplyAsync", err)}
	}
	return &AsyncResult{pool: p, job: p.submit("ApplyAsync", f, cols, 1, false)}
}

// Imap calls fn on each item as Map does and returns an iterator over the
// results in the order of items, which yields each result as soon as it
// and those before it are ready, like Python's pool.imap:
//
//	for sq, err := range pool.Imap(square, xs).All() { ... }
func (p *Pool) Imap(fn any, items any) *MapIterator {
	j, err := p.mapJob("Imap", fn, items, true, false)
	if err != nil {
		j = failedJob("Imap", err)
	}
	return &MapIterator{pool: p, job: j}
}

// ImapUnordered is [Pool.Imap] yielding the results in the order they are
// ready, like Python's pool.imap_unordered; [MapIterator.Index] tells
// which item a result is for.
func (p *Pool) ImapUnordered(fn any, items any) *MapIterator {
	j, err := p.mapJob("ImapUnordered", fn, items, true, true)
	if err != nil {
		j = failedJob("ImapUnordered", err)
	}
	return &MapIterator{pool: p, job: j}
}

// Close lets the calls under way finish, stops the workers, waits for them
// to exit and releases the pool (Python's pool.close() then pool.join()).
// Later calls return an error. Closing twice is a no-op.
func (p *Pool) Close() error { return p.stop(false) }

// Terminate kills the workers at once, ends the calls under way with an
// error, and releases the pool (Python's pool.terminate()).
func (p *Pool) Terminate() error { return p.stop(true) }

// String describes the pool, for instance "Pool(4 workers, 1 call running)".
func (p *Pool) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	state := ""
	switch {
	case p.err != nil:
		state = ", broken"
	case p.closed || p.closing:
		state = ", closed"
	case len(p.jobs) > 0:
		state = fmt.Sprintf(", %d call%s running", len(p.jobs), plural(len(p.jobs)))
	}
	return fmt.Sprintf("Pool(%d worker%s%s)", p.n, plural(p.n), state)
}

// mapJob starts a job calling fn on each item.
func (p *Pool) mapJob(method string, fn, items any, copied, unordered bool) (*poolJob, error) {
	f, err := newPoolFunc(method, fn, 1)
	if err != nil {
		return nil, err
	}
	seq, n, err := sequence(method, "items", items)
	if err != nil {
		return nil, err
	}
	var col reflect.Value
	if n > 0 {
		if col, err = column(method, seq, n, f.in[0], f, copied); err != nil {
			return nil, err
		}
	}
	return p.submit(method, f, []reflect.Value{col}, n, unordered), nil
}

// starJob starts a job calling fn on each list of arguments.
func (p *Pool) starJob(method string, fn, argLists any) (*poolJob, error) {
	f, err := newPoolFunc(method, fn, -1)
	if err != nil {
		return nil, err
	}
	seq, n, err := sequence(method, "argLists", argLists)
	if err != nil {
		return nil, err
	}
	cols, err := starColumns(method, seq, n, f)
	if err != nil {
		return nil, err
	}
	return p.submit(method, f, cols, n, false), nil
}

// failedJob returns a job that failed before it started.
func failedJob(method string, err error) *poolJob {
	j := &poolJob{method: method, finished: make(chan struct{}), progress: make(chan struct{}, 1)}
	j.fail(err)
	return j
}

// jobErr returns the error of a finished job: its own, or the first failed
// item's.
func (p *Pool) jobErr(j *poolJob) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	first := -1
	for i := range j.itemErrs {
		if first < 0 || i < first {
			first = i
		}
	}
	if first < 0 {
		return nil
	}
	if j.n == 1 && (j.method == "ApplyAsync") {
		return fmt.Errorf("mp: Pool.Apply: %s", j.itemErrs[first])
	}
	return fmt.Errorf("mp: Pool.%s: item %d: %s", j.method, first, j.itemErrs[first])
}

// anyResults returns the results of a finished job as []any.
func (p *Pool) anyResults(j *poolJob) ([]any, error) {
	err := p.jobErr(j)
	if j.err != nil {
		return nil, err
	}
	out := make([]any, j.n)
	if j.out.IsValid() {
		for i := range out {
			if _, bad := j.itemErrs[i]; !bad {
				out[i] = j.out.Index(i).Interface()
			}
		}
	}
	return out, err
}

// intoResults stores the results of a finished job in dst, a settable
// slice.
func (p *Pool) intoResults(j *poolJob, dst reflect.Value) error {
	err := p.jobErr(j)
	if j.err != nil {
		return err
	}
	et := dst.Type().Elem()
	if !j.out.IsValid() {
		return fmt.Errorf("mp: Pool.%s: %s returns no value to store", j.method, j.f.name)
	}
	if j.out.Type() == dst.Type() && len(j.itemErrs) == 0 {
		dst.Set(j.out)
		return err
	}
	res := reflect.MakeSlice(dst.Type(), j.n, j.n)
	for i := 0; i < j.n; i++ {
		if _, bad := j.itemErrs[i]; bad {
			continue
		}
		x, cerr := convertItem(j.out.Index(i), et)
		if cerr != nil {
			return fmt.Errorf("mp: Pool.%s: cannot store the result of item %d in a %s: %w", j.method, i, dst.Type(), cerr)
		}
		res.Index(i).Set(x)
	}
	dst.Set(res)
	return err
}
