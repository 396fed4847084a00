package mp

import (
	"fmt"
	"reflect"
	"time"
)

// An AsyncResult is the result of [Pool.ApplyAsync], ready once the call
// has run in a worker, like Python's AsyncResult. Its methods are safe for
// concurrent use.
type AsyncResult struct {
	pool *Pool
	job  *poolJob
}

// Get waits for the call to finish and returns its result (nil when the
// function has none) and its error: the one it returned, its panic, or
// why it could not run.
func (r *AsyncResult) Get() (any, error) {
	<-r.job.finished
	res, err := r.pool.anyResults(r.job)
	if len(res) == 0 {
		return nil, err
	}
	return res[0], err
}

// Wait waits for the call to finish.
func (r *AsyncResult) Wait() { <-r.job.finished }

// WaitTimeout waits at most d for the call to finish and reports whether it
// did (Python's wait(timeout) then ready()).
func (r *AsyncResult) WaitTimeout(d time.Duration) bool { return waitJob(r.job, d) }

// Ready reports whether the call has finished.
func (r *AsyncResult) Ready() bool { return r.job.isFinished() }

// Successful reports whether the call has finished without an error. It
// returns false while the call is running (Python raises ValueError then).
func (r *AsyncResult) Successful() bool {
	return r.job.isFinished() && r.pool.jobErr(r.job) == nil
}

// A MapResult is the result of [Pool.MapAsync] or [Pool.StarmapAsync],
// ready once every item has been processed, like Python's MapResult. Its
// methods are safe for concurrent use.
type MapResult struct {
	pool *Pool
	job  *poolJob
}

// Get waits for every item and returns the results in order, with the
// error of [Pool.Map].
func (r *MapResult) Get() ([]any, error) {
	<-r.job.finished
	return r.pool.anyResults(r.job)
}

// GetInto waits for every item and stores the results in the slice out
// points to, as [Pool.MapInto] does.
func (r *MapResult) GetInto(out any) error {
	ov := reflect.ValueOf(out)
	if out == nil || ov.Kind() != reflect.Pointer || ov.IsNil() || ov.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("mp: MapResult.GetInto: out must point to a slice, as in GetInto(&results); got %T", out)
	}
	<-r.job.finished
	return r.pool.intoResults(r.job, ov.Elem())
}

// Wait waits for every item to be processed.
func (r *MapResult) Wait() { <-r.job.finished }

// WaitTimeout waits at most d for every item to be processed and reports
// whether they were.
func (r *MapResult) WaitTimeout(d time.Duration) bool { return waitJob(r.job, d) }

// Ready reports whether every item has been processed.
func (r *MapResult) Ready() bool { return r.job.isFinished() }

// Successful reports whether every item has been processed without an
// error. It returns false while items are being processed.
func (r *MapResult) Successful() bool {
	return r.job.isFinished() && r.pool.jobErr(r.job) == nil
}

// A MapIterator yields the results of [Pool.Imap] or
// [Pool.ImapUnordered] as they come, like the iterator Python's imap
// returns. Use Next, then Value and Err, as bufio.Scanner's Scan and Text:
//
//	it := pool.Imap(square, xs)
//	for it.Next() {
//		fmt.Println(it.Value(), it.Err())
//	}
//
// or range over [MapIterator.All]. A MapIterator is for one goroutine;
// the pool keeps running the remaining items whether or not they are read.
type MapIterator struct {
	pool *Pool
	job  *poolJob
	pos  int // results read
	cur  int // the item of the current result
	val  any
	err  error
	end  bool
}

// Next waits for the next result and reports whether there is one: false
// once every result was read, or when the call failed as a whole (Err then
// says why).
func (it *MapIterator) Next() bool {
	j := it.job
	it.val, it.err = nil, nil
	if it.end {
		return false
	}
	for {
		it.pool.mu.Lock()
		ready, i := false, 0
		if it.pos < j.n && j.err == nil {
			if j.unordered {
				ready = it.pos < len(j.arrived)
				if ready {
					i = j.arrived[it.pos]
				}
			} else {
				i, ready = it.pos, j.have[it.pos]
			}
		}
		switch {
		case ready:
			it.cur = i
			if msg, bad := j.itemErrs[i]; bad {
				it.err = &poolItemError{method: j.method, item: i, msg: msg}
			} else if j.out.IsValid() {
				it.val = j.out.Index(i).Interface()
			}
			it.pos++
			it.pool.mu.Unlock()
			return true
		case j.err != nil:
			it.err, it.end = j.err, true
			it.pool.mu.Unlock()
			return false
		case it.pos >= j.n:
			it.end = true
			it.pool.mu.Unlock()
			return false
		}
		it.pool.mu.Unlock()
		select {
		case <-j.progress:
		case <-j.finished:
		}
	}
}

// Value returns the current result: fn's value for the item, or nil when
// it failed.
func (it *MapIterator) Value() any { return it.val }

// Err returns the error of the current result (fn panicked or returned an
// error for this item) or, once Next has returned false, why the call
// failed as a whole; nil otherwise.
func (it *MapIterator) Err() error { return it.err }

// Index returns the position in items of the current result's item.
func (it *MapIterator) Index() int { return it.cur }

// All returns the remaining results as a sequence of (value, error) pairs,
// for range:
//
//	for v, err := range pool.Imap(square, xs).All() { ... }
//
// When the call fails as a whole, the last pair holds that error.
func (it *MapIterator) All() func(yield func(any, error) bool) {
	return func(yield func(any, error) bool) {
		for it.Next() {
			if !yield(it.Value(), it.Err()) {
				return
			}
		}
		if err := it.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// waitJob waits at most d for j to finish.
func waitJob(j *poolJob, d time.Duration) bool {
	if j.isFinished() {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-j.finished:
		return true
	case <-t.C:
		return false
	}
}

// poolItemError is the error of one item of an Imap.
type poolItemError struct {
	method string
	item   int
	msg    string
}

func (e *poolItemError) Error() string {
	return fmt.Sprintf("mp: Pool.%s: item %d: %s", e.method, e.item, e.msg)
}
