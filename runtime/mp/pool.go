package mp

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// A Pool is a set of worker processes that apply a function to many values
// in parallel, like Python's multiprocessing.Pool. Create one with
// [NewPool]; its workers start at the first Map and serve every Map until
// [Pool.Close]. The function, like a [Process] target, must be a top-level
// function; values and results are copied. A Pool's methods are safe for
// concurrent use; Maps run one at a time.
type Pool struct {
	mu      sync.Mutex
	n       int
	procs   []*Process
	tasks   *Queue
	results *Queue
	closed  bool
	nextID  int64
}

var poolWorkerCount atomic.Int64

// NewPool returns a Pool of n worker processes; n <= 0 means one per CPU
// (runtime.NumCPU). No process starts before the first Map.
func NewPool(n int) *Pool {
	if n <= 0 {
		n = runtime.NumCPU()
	}
	return &Pool{n: n}
}

// poolTask is one call of a Map, sent to the workers.
type poolTask struct {
	ID   int64
	Fn   targetRef
	Arg  argSpec
	Stop bool // the worker exits
}

// poolResult is a worker's answer to a task.
type poolResult struct {
	ID  int64
	Out argSpec
	Err string
}

func init() { builtins["pool"] = poolWorker }

// poolWorker is the target of a Pool's processes: it runs tasks until told
// to stop.
func poolWorker(tasks, results *Queue) error {
	fns := map[string]reflect.Value{}
	for {
		data, err := tasks.getBytes(time.Time{})
		if err != nil {
			return err
		}
		var t poolTask
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&t); err != nil {
			return fmt.Errorf("mp: pool worker: decode task: %w", err)
		}
		if t.Stop {
			return nil
		}
		r := poolResult{ID: t.ID}
		fn, ok := fns[t.Fn.Name]
		if !ok {
			if fn, err = resolveTarget(t.Fn); err == nil {
				fns[t.Fn.Name] = fn
			}
		}
		if err == nil {
			r.Out, err = runTask(fn, t)
		}
		if err != nil {
			r.Err = err.Error()
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(r); err != nil {
			return fmt.Errorf("mp: pool worker: encode result: %w", err)
		}
		if err := results.putBytes(buf.Bytes(), time.Time{}); err != nil {
			return err
		}
	}
}

// runTask calls fn on the task's argument and encodes its result.
func runTask(fn reflect.Value, t poolTask) (out argSpec, err error) {
	name := shortName(t.Fn.Name)
	args, err := decodeArgs(name, fn.Type(), []argSpec{t.Arg}, nil)
	if err != nil {
		return argSpec{}, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s panicked: %v", name, r)
		}
	}()
	res := fn.Call(args)
	if len(res) == 2 && !res[1].IsNil() {
		return argSpec{}, res[1].Interface().(error)
	}
	return encodeValue("result of "+name, res[0].Type(), res[0].Interface())
}

// start starts the workers if they are not running.
func (p *Pool) start() error {
	if p.closed {
		return errors.New("mp: use of a closed Pool")
	}
	if p.procs != nil {
		return nil
	}
	p.tasks, p.results = NewQueue(0), NewQueue(0)
	for i := 0; i < p.n; i++ {
		w := &Process{
			name:   fmt.Sprintf("PoolWorker-%d", poolWorkerCount.Add(1)),
			daemon: true,
			target: reflect.ValueOf(poolWorker),
			ref:    targetRef{Name: "mp.poolWorker", Builtin: "pool"},
			args:   []any{p.tasks, p.results},
		}
		if err := w.Start(); err != nil {
			p.stop(true)
			return fmt.Errorf("mp: start pool worker: %w", err)
		}
		p.procs = append(p.procs, w)
	}
	return nil
}

// Map calls fn on each item in the pool's processes and returns the results
// in the order of items, like Python's pool.map. fn must be a top-level
// function of one parameter returning one value, optionally followed by an
// error: func square(x int) int. Items are converted to fn's parameter
// type as Process arguments are. When some calls fail (fn panics or
// returns an error), Map returns the results of the others and an error
// naming the first failed item.
func (p *Pool) Map(fn any, items []any) ([]any, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ref, err := refTarget(fn)
	if err != nil {
		return nil, err
	}
	ft := v.Type()
	name := shortName(ref.Name)
	if ft.NumIn() != 1 || ft.IsVariadic() || ft.NumOut() < 1 || ft.NumOut() > 2 || (ft.NumOut() == 2 && ft.Out(1) != errorType) {
		return nil, fmt.Errorf("mp: Pool.Map needs a function of one parameter returning one value (and optionally an error), like func square(x int) int; %s is a %s", name, ft)
	}
	tasks := make([][]byte, len(items))
	for i, item := range items {
		arg, err := encodeValue(fmt.Sprintf("item %d for %s", i, name), ft.In(0), item)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		p.nextID++
		if err := gob.NewEncoder(&buf).Encode(poolTask{ID: p.nextID, Fn: ref, Arg: arg}); err != nil {
			return nil, fmt.Errorf("mp: Pool.Map: encode item %d: %w", i, err)
		}
		tasks[i] = buf.Bytes()
	}
	if err := p.start(); err != nil {
		return nil, err
	}
	first := p.nextID - int64(len(items)) + 1
	sendErr := make(chan error, 1)
	go func() {
		for _, t := range tasks {
			if err := p.tasks.putBytes(t, time.Time{}); err != nil {
				sendErr <- err
				return
			}
		}
		sendErr <- nil
	}()
	out := make([]any, len(items))
	var firstErr error
	firstBad := len(items)
	for got := 0; got < len(items); {
		data, err := p.results.getBytes(time.Now().Add(100 * time.Millisecond))
		if err == ErrEmpty {
			for _, w := range p.procs {
				if !w.IsAlive() {
					dead := w.Join()
					p.stop(true)
					return nil, fmt.Errorf("mp: Pool.Map: worker %s died (%v); the pool is closed", w.Name(), dead)
				}
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("mp: Pool.Map: %w", err)
		}
		var r poolResult
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&r); err != nil {
			return nil, fmt.Errorf("mp: Pool.Map: decode result: %w", err)
		}
		i := int(r.ID - first)
		if i < 0 || i >= len(items) {
			continue // left over from an earlier, failed Map
		}
		got++
		if r.Err != "" {
			if i < firstBad {
				firstBad = i
				firstErr = fmt.Errorf("mp: Pool.Map: item %d: %s", i, r.Err)
			}
			continue
		}
		res, err := decodeArgs(name, reflect.FuncOf([]reflect.Type{ft.Out(0)}, nil, false), []argSpec{r.Out}, nil)
		if err != nil {
			return nil, err
		}
		out[i] = res[0].Interface()
	}
	if err := <-sendErr; err != nil {
		return nil, fmt.Errorf("mp: Pool.Map: %w", err)
	}
	return out, firstErr
}

// MapInts is [Pool.Map] for a function from int to int, such as
// func square(x int) int, without conversions to and from any.
func (p *Pool) MapInts(fn any, items []int) ([]int, error) {
	in := make([]any, len(items))
	for i, x := range items {
		in[i] = x
	}
	out, err := p.Map(fn, in)
	if out == nil {
		return nil, err
	}
	ints := make([]int, len(out))
	for i, o := range out {
		if o == nil {
			continue
		}
		v := reflect.ValueOf(o)
		switch {
		case v.CanInt():
			ints[i] = int(v.Int())
		case v.CanUint():
			ints[i] = int(v.Uint())
		default:
			return nil, fmt.Errorf("mp: Pool.MapInts: the function returns %s, not an integer; use Map", v.Type())
		}
	}
	return ints, err
}

// Close stops the workers once they finish their current tasks, waits for
// them to exit, and releases the pool (Python's pool.close() then
// pool.join()). Closing twice is a no-op.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stop(false)
}

// Terminate kills the workers at once and releases the pool.
func (p *Pool) Terminate() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stop(true)
}

func (p *Pool) stop(kill bool) error {
	if p.closed {
		return nil
	}
	p.closed = true
	if p.procs != nil && !kill {
		var buf bytes.Buffer
		gob.NewEncoder(&buf).Encode(poolTask{Stop: true})
		for range p.procs {
			p.tasks.putBytes(buf.Bytes(), time.Time{})
		}
	}
	var err error
	for _, w := range p.procs {
		if kill {
			w.Kill()
		}
		if e := w.Join(); e != nil && err == nil && !kill {
			err = fmt.Errorf("mp: Pool.Close: %w", e)
		}
	}
	p.procs = nil
	if p.tasks != nil {
		p.tasks.Close()
		p.results.Close()
	}
	return err
}
