package mp

import (
	"fmt"
	"io"
	"reflect"
	"sync"
	"sync/atomic"
	"time"
)

// The worker side of a Pool: a child process whose target is poolWorker.
// A reader goroutine receives the pool's messages and queues their records
// (functions to look up, chunks of tasks), and gives back a queued chunk
// when the pool asks for it (another worker is idle). One goroutine at a
// time runs the queue: it takes the records in order, looks up the
// functions, and decodes and runs the chunks not given back; it sends
// their results when the queue is empty. Only that goroutine touches
// the functions' world (an interpreter, in gopherlab's workers, is not
// safe for concurrent use). A timer sends what is done sooner when that takes
// longer than poolFlush: the results of finished tasks, so that Imap sees
// results as they come and the pool learns how long tasks take. The task
// loop itself only counts: it never reads the clock.

// poolFlush is how long a worker keeps results before sending them.
const poolFlush = time.Millisecond

func init() { builtins["pool"] = poolWorker }

// A workerFunc is a function a worker calls, found by its name.
type workerFunc struct {
	v    reflect.Value
	err  error // why it cannot be called
	name string
	in   []reflect.Type
	out  reflect.Type
	errs bool // the last result is an error

	intInt func(int) int // the function, when it is a func(int) int
}

// A poolServer is a worker's state.
type poolServer struct {
	c   *conn
	fns map[uint64]*workerFunc // the main goroutine's

	done chan struct{} // closed when the worker is to return

	mu      sync.Mutex // guards what follows
	queue   []*poolRun // records received, not yet taken
	running bool       // a goroutine runs the queue
	end     bool       // no more records: stop once the queue is empty
	endErr  error      // why
	e       encoder    // a results record being built
	pend    encoder    // records not yet sent
	run     *poolRun   // the chunk running
	working bool       // the flush timer re-arms
	timer   *time.Timer
	sendErr error
}

// A poolRun is a record of the pool's, queued: a function to look up, or
// a chunk of tasks, queued or running.
type poolRun struct {
	fn      *poolFuncRecord // a function to look up, instead of a chunk
	body    []byte          // the chunk's record
	revoked bool            // given back to the pool: do not run

	job, start uint64
	n          int
	f          *workerFunc
	cols       []reflect.Value
	err        error // the chunk cannot run: every task fails with it

	res  reflect.Value  // results, when the function has some
	done atomic.Int64   // tasks done; res[:done] is final
	from int            // the first task whose results were not sent
	errs map[int]string // failed tasks not sent, by index in the chunk
	last time.Time      // when the chunk began or results were last sent
}

// A poolFuncRecord names a function the next chunks call.
type poolFuncRecord struct {
	id  uint64
	ref targetRef
	typ string
}

// poolWorker is the target of a Pool's processes: it runs tasks until told
// to stop or until the pool's end of c is closed.
func poolWorker(c *Conn) error {
	s := &poolServer{c: c.c, fns: map[uint64]*workerFunc{}, done: make(chan struct{})}
	s.timer = time.AfterFunc(time.Hour, s.tick)
	s.timer.Stop()
	defer c.Close()
	go s.read()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.endErr
}

// read is the worker's reader goroutine. When a message arrives while no
// goroutine runs the queue, the reader runs it itself, so that a message
// to an idle worker reaches a task without waking another goroutine; it
// first starts a new reader, which receives what comes meanwhile (a chunk
// to give back).
func (s *poolServer) read() {
	for {
		data, files, err := s.c.recv(time.Time{})
		closeFiles(files)
		stop := false
		if err == nil {
			stop, err = s.message(data)
		}
		s.mu.Lock()
		if err != nil || stop {
			s.end = true
			if err != io.EOF { // EOF: the pool is gone
				s.endErr = err
			}
		}
		run := !s.running && (len(s.queue) > 0 || s.end)
		if run {
			s.running = true
		}
		end := s.end
		s.mu.Unlock()
		if run {
			if !end {
				go s.read()
			}
			s.runQueue()
			return
		}
		if end {
			return // the runner finishes
		}
	}
}

// runQueue takes the queued records in order until the queue is empty, then
// sends the results not yet sent. The goroutine that runs it is the only
// one that touches the functions' world.
func (s *poolServer) runQueue() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.queue) > 0 {
		r := s.queue[0]
		s.queue = s.queue[1:]
		if r.fn == nil && !r.revoked && !s.working {
			s.working = true
			s.timer.Reset(poolFlush)
		}
		s.mu.Unlock()
		s.take(r)
		s.mu.Lock()
	}
	s.working = false
	s.timer.Stop()
	if err := s.sendPendingLocked(); err != nil && s.endErr == nil {
		s.end, s.endErr = true, err
	}
	s.running = false
	if s.end {
		close(s.done)
	}
}

// take handles a record on the goroutine running the queue.
func (s *poolServer) take(r *poolRun) {
	if f := r.fn; f != nil {
		s.fns[f.id] = lookupWorkerFunc(f.ref, f.typ)
		return
	}
	if !r.revoked { // no lock: revoked is set only while r is queued
		s.decode(r)
		s.runChunk(r)
	}
}

// message queues the records of one message from the pool, all at once,
// and reports whether the worker is to stop.
func (s *poolServer) message(data []byte) (stop bool, err error) {
	var recs []*poolRun
	defer func() {
		if len(recs) > 0 {
			s.mu.Lock()
			s.queue = append(s.queue, recs...)
			s.mu.Unlock()
		}
	}()
	d := decoder{b: data}
	for len(d.b) > 0 && d.err == nil {
		tag := d.b[0]
		d.b = d.b[1:]
		switch tag {
		case poolMsgFunc:
			f := &poolFuncRecord{id: d.uint()}
			f.ref = decodeRef(&d)
			f.typ = d.string()
			if d.err == nil {
				recs = append(recs, &poolRun{fn: f})
			}
		case poolMsgChunk:
			r := &poolRun{body: d.bytes()}
			h := decoder{b: r.body}
			r.job, r.start = h.uint(), h.uint()
			if d.err == nil && h.err == nil {
				recs = append(recs, r)
			}
		case poolMsgRevoke:
			job, start := d.uint(), d.uint()
			if d.err == nil {
				if err := s.revoke(job, start); err != nil {
					return false, err
				}
			}
		case poolMsgStop:
			return true, nil
		default:
			return false, fmt.Errorf("mp: pool worker: unknown message %q", tag)
		}
	}
	if d.err != nil {
		return false, fmt.Errorf("mp: pool worker: bad message: %w", d.err)
	}
	return false, nil
}

// decode decodes a chunk of tasks: its function and argument columns.
func (s *poolServer) decode(r *poolRun) {
	d := decoder{b: r.body}
	r.job, r.start = d.uint(), d.uint()
	id, n, ncols := d.uint(), int(d.uint()), int(d.uint())
	r.n, r.f, r.body = n, s.fns[id], nil
	switch {
	case d.err != nil:
		r.err = fmt.Errorf("mp: pool worker: bad chunk: %w", d.err)
	case r.f == nil:
		r.err = fmt.Errorf("mp: pool worker: unknown function %d", id)
	case r.f.err != nil:
		r.err = r.f.err
	case ncols != len(r.f.in):
		r.err = fmt.Errorf("mp: %s takes %d arguments, got %d", r.f.name, len(r.f.in), ncols)
	}
	if r.err == nil {
		r.cols = make([]reflect.Value, ncols)
		for k := range r.cols {
			if r.cols[k], r.err = decodeColumn(&d, r.f.in[k], n, "items"); r.err != nil {
				break
			}
		}
	}
}

// revoke gives the pool back the queued chunk of job that begins at start,
// if it has not started.
func (s *poolServer) revoke(job, start uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.queue {
		if r.fn == nil && !r.revoked && r.job == job && r.start == start {
			r.revoked = true
			s.pend.b = append(s.pend.b, poolMsgRevoked)
			s.pend.uint(job)
			s.pend.uint(start)
			return s.sendPendingLocked()
		}
	}
	return nil // started or done: its results come
}

// lookupWorkerFunc finds the function ref names, which the pool saw with
// type typ.
func lookupWorkerFunc(ref targetRef, typ string) *workerFunc {
	f := &workerFunc{name: shortName(ref.Name)}
	v, err := resolveTarget(ref)
	if err != nil && ref.Lookup {
		// A launcher's worker (a notebook's) has the declarations of when
		// it started, as a Python pool's forked workers have their
		// parent's module as it was then.
		err = fmt.Errorf("mp: the Pool's workers cannot find %s: they started before it was declared or last changed; close the Pool and make a new one (%v)", f.name, err)
	}
	if err != nil {
		f.err = err
		return f
	}
	t := v.Type()
	if typ != "" && t.String() != typ {
		f.err = fmt.Errorf("mp: %s is a %s in the pool's workers but a %s where the pool is used: the workers started before it changed; make a new Pool", f.name, t, typ)
		return f
	}
	f.v = v
	for i := 0; i < t.NumIn(); i++ {
		f.in = append(f.in, t.In(i))
	}
	nout := t.NumOut()
	if nout > 0 && t.Out(nout-1) == errorType {
		f.errs = true
		nout--
	}
	if nout == 1 {
		f.out = t.Out(0)
	}
	if v.CanInterface() {
		f.intInt, _ = v.Interface().(func(int) int)
	}
	return f
}

var intSliceType = reflect.TypeOf([]int(nil))

// runChunk runs a chunk of tasks and adds its results to those to send.
func (s *poolServer) runChunk(r *poolRun) {
	r.last = time.Now()
	if r.err != nil {
		s.mu.Lock()
		s.flushLocked(r, r.n, r.err.Error())
		s.mu.Unlock()
		return
	}
	f := r.f
	if f.out != nil {
		r.res = reflect.MakeSlice(reflect.SliceOf(f.out), r.n, r.n)
	}
	s.mu.Lock()
	s.run = r
	s.mu.Unlock()
	if f.intInt != nil && r.cols[0].Type() == intSliceType {
		xs, ys := r.cols[0].Interface().([]int), r.res.Interface().([]int)
		for i, x := range xs {
			y, err := f.callIntInt(x)
			ys[i] = y
			if err != nil {
				s.failed(r, i, err)
			}
			r.done.Store(int64(i + 1))
		}
	} else {
		args := make([]reflect.Value, len(r.cols))
		for i := 0; i < r.n; i++ {
			for k, col := range r.cols {
				args[k] = col.Index(i)
			}
			out, err := f.call(args)
			switch {
			case err != nil:
				s.failed(r, i, err)
			case r.res.IsValid():
				r.res.Index(i).Set(out)
			}
			r.done.Store(int64(i + 1))
		}
	}
	s.mu.Lock()
	s.run = nil
	s.flushLocked(r, r.n, "")
	s.mu.Unlock()
}

// failed records that task i of r failed with err.
func (s *poolServer) failed(r *poolRun, i int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.errs == nil {
		r.errs = map[int]string{}
	}
	r.errs[i] = err.Error()
}

// tick is the flush timer: it sends the results of the tasks done so far.
func (s *poolServer) tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.working {
		return
	}
	if r := s.run; r != nil {
		s.flushLocked(r, int(r.done.Load()), "")
	}
	if err := s.sendPendingLocked(); err != nil && s.sendErr == nil {
		s.sendErr = err
	}
	s.timer.Reset(poolFlush)
}

// call calls f with args and returns its result value (invalid when it
// has none) or the error it returned or the panic it raised.
func (f *workerFunc) call(args []reflect.Value) (res reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s panicked: %v", f.name, r)
		}
	}()
	out := f.v.Call(args)
	if f.errs {
		if e := out[len(out)-1]; !e.IsNil() {
			return reflect.Value{}, e.Interface().(error)
		}
	}
	if f.out != nil {
		return out[0], nil
	}
	return reflect.Value{}, nil
}

func (f *workerFunc) callIntInt(x int) (y int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s panicked: %v", f.name, r)
		}
	}()
	return f.intInt(x), nil
}

// flushLocked adds to the records to send the results of r's tasks from
// r.from to to: their values in r.res (if any), the failed ones in r.errs;
// or, when why is set, that they all failed for that reason.
func (s *poolServer) flushLocked(r *poolRun, to int, why string) {
	if to <= r.from {
		return
	}
	now := time.Now()
	e := &s.e
	e.b = e.b[:0]
	e.uint(r.job)
	e.uint(r.start + uint64(r.from))
	e.uint(uint64(to - r.from))
	e.uint(0) // flags: none yet
	e.uint(uint64(now.Sub(r.last)))
	mark := len(e.b)
	writeErrs := func(errs map[int]string, why string) {
		if why != "" {
			e.uint(uint64(to - r.from))
			for i := r.from; i < to; i++ {
				e.uint(uint64(i - r.from))
				e.string(why)
			}
			return
		}
		k := 0
		for i := range errs {
			if i < to {
				k++
			}
		}
		e.uint(uint64(k))
		for i, msg := range errs {
			if i < to {
				e.uint(uint64(i - r.from))
				e.string(msg)
				delete(errs, i)
			}
		}
	}
	writeErrs(r.errs, why)
	if why != "" || !r.res.IsValid() {
		encodeNone(e)
	} else if err := encodeColumn(e, r.res.Slice(r.from, to), "results"); err != nil {
		e.b = e.b[:mark]
		writeErrs(nil, "cannot send the result to the pool: "+err.Error())
		encodeNone(e)
	}
	s.pend.b = append(s.pend.b, poolMsgResults)
	s.pend.bytes(e.b)
	if cap(e.b) > 1<<20 {
		e.b = nil
	}
	r.from, r.last = to, now
}

// sendPendingLocked sends the results records not yet sent, in one
// message.
func (s *poolServer) sendPendingLocked() error {
	if s.sendErr != nil {
		return s.sendErr
	}
	if len(s.pend.b) == 0 {
		return nil
	}
	err := s.c.send(s.pend.b, nil, time.Time{})
	s.pend.b = s.pend.b[:0]
	if cap(s.pend.b) > 1<<20 {
		s.pend.b = nil
	}
	return err
}
