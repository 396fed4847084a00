package mp

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"
)

// How a Pool runs its jobs. Each call (Map, Apply, ...) is a job: a
// function and columns of arguments, cut into chunks of tasks. Each worker
// has a socket of its own. The pool hands an idle worker a chunk, and more
// while the tasks on their way to it are estimated to take less than
// poolAhead in all (from the time the worker reported for the function's
// earlier tasks, and only while the chunk it runs is not late): tiny tasks
// then go out all at once, as from Python's shared task queue, without a
// worker waiting for the pool between chunks, while a chunk that may take
// long never waits behind another, so an idle worker takes it. Chunks go
// out in the order the jobs came, so several jobs run at once, the earlier
// ones first. The goroutine that hands out chunks encodes and sends them
// itself, all of a worker's in one message, when the worker's socket has
// room; otherwise a sender goroutine of the worker sends them when it can.
// A reader goroutine a worker receives the results, which a worker sends
// when it is done with a message's chunks, or sooner for slow tasks (see
// pool_worker.go).

const (
	poolMaxInflight = 64                        // chunks a worker may have on their way
	poolAhead       = float64(time.Millisecond) // work a worker may have on its way, in ns
)

// A poolJob is one call of a Pool method.
type poolJob struct {
	id     uint64
	method string // the Pool method, for messages
	f      *poolFunc
	fnID   uint64
	cols   []reflect.Value // one []T a parameter
	n      int             // tasks
	chunk  int             // tasks a chunk
	next   int             // first task not yet handed to a worker

	// Guarded by the pool's mu.
	out       reflect.Value  // []R of the results, when f has a result
	have      []bool         // the task's result (or error) arrived
	arrived   []int          // tasks in the order their results arrived (unordered Imap)
	itemErrs  map[int]string // tasks that failed: why
	done      int            // tasks finished
	err       error          // the whole job failed (the pool broke or was terminated)
	unordered bool

	finished chan struct{} // closed when every task finished or the job failed
	progress chan struct{} // signalled when results arrive (capacity 1)
}

// A poolChunk is tasks [start, start+n) of a job, sent to one worker.
type poolChunk struct {
	job      *poolJob
	start, n int
	got      int       // results received
	sent     time.Time // when it was handed to the worker
	revoking bool      // the pool asked the worker to give it back
}

// A poolProc is the pool's side of one worker process. Its fields are
// guarded by the pool's mu, except in, the reader's.
type poolProc struct {
	proc *Process
	c    *conn

	inflight []*poolChunk // handed to the worker, in order, until their results are in
	fresh    []*poolChunk // the last of inflight, not yet encoded
	stopping bool         // stopped or killed by the pool: its end is expected

	defined map[uint64]bool // functions the worker was told about
	scratch []byte          // a message buffer to reuse
	backlog [][]byte        // messages for the sender goroutine to send, in order
	wake    chan struct{}   // wakes the sender goroutine (capacity 1)
	quit    bool            // the sender goroutine exits once backlog is empty
}

var poolWorkerCount atomic.Int64

// submit adds a job of the given columns and starts the workers if needed.
// On error the job is returned already failed.
func (p *Pool) submit(method string, f *poolFunc, cols []reflect.Value, n int, unordered bool) *poolJob {
	j := &poolJob{method: method, f: f, cols: cols, n: n, unordered: unordered,
		finished: make(chan struct{}), progress: make(chan struct{}, 1)}
	if f != nil && f.out != nil {
		j.out = reflect.MakeSlice(reflect.SliceOf(f.out), n, n)
	}
	j.have = make([]bool, n)
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.err != nil:
		j.fail(fmt.Errorf("mp: Pool.%s: %w", method, p.err))
		return j
	case p.closing || p.closed:
		j.fail(fmt.Errorf("mp: Pool.%s: use of a closed Pool", method))
		return j
	case n == 0:
		close(j.finished)
		return j
	}
	key := f.ref.Name + "\x00" + f.ref.Exe + "\x00" + f.v.Type().String()
	id, ok := p.fnIDs[key]
	if !ok {
		if p.fnIDs == nil {
			p.fnIDs = map[string]uint64{}
		}
		id = uint64(len(p.fnIDs) + 1)
		p.fnIDs[key] = id
	}
	j.fnID = id
	p.nextJob++
	j.id = p.nextJob
	j.chunk = p.chunkSize
	if j.chunk <= 0 {
		// Python's default chunksize: about four chunks a worker.
		j.chunk = n / (4 * p.n)
		if n%(4*p.n) != 0 {
			j.chunk++
		}
	}
	p.jobs[j] = true
	p.queue = append(p.queue, j)
	p.startLocked()
	p.dispatchLocked()
	return j
}

// fail ends j with err; the pool's mu is held (or j is not yet known).
func (j *poolJob) fail(err error) {
	if j.err != nil || j.isFinished() {
		return
	}
	j.err = err
	close(j.finished)
}

func (j *poolJob) isFinished() bool {
	select {
	case <-j.finished:
		return true
	default:
		return false
	}
}

// startLocked starts the workers, all at once, if they are not running.
func (p *Pool) startLocked() {
	if p.started {
		return
	}
	p.started = true
	p.starting = p.n
	for i := 0; i < p.n; i++ {
		go p.startWorker()
	}
}

// startWorker starts one worker and puts it to work as soon as it is up.
func (p *Pool) startWorker() {
	w, err := p.launchWorker()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.starting--
	if p.starting == 0 && p.startDone != nil {
		close(p.startDone)
		p.startDone = nil
	}
	if err != nil {
		p.breakLocked(fmt.Errorf("cannot start a worker: %w", err))
		return
	}
	if p.closed || p.err != nil {
		w.stopping = true
		w.proc.Kill()
		w.c.close()
		go w.proc.Join()
		return
	}
	p.workers = append(p.workers, w)
	go p.sender(w)
	go p.read(w)
	p.dispatchLocked()
}

// launchWorker starts a worker process with a socket to it.
func (p *Pool) launchWorker() (*poolProc, error) {
	ours, theirs, err := newConnPair()
	if err != nil {
		return nil, err
	}
	proc := &Process{
		name:   fmt.Sprintf("PoolWorker-%d", poolWorkerCount.Add(1)),
		daemon: true,
		target: reflect.ValueOf(poolWorker),
		ref:    targetRef{Name: "mp.poolWorker", Builtin: "pool"},
		args:   []any{&Conn{theirs}},
	}
	err = proc.Start()
	theirs.close() // the worker has its copy
	if err != nil {
		ours.close()
		return nil, err
	}
	return &poolProc{proc: proc, c: ours, defined: map[uint64]bool{}, wake: make(chan struct{}, 1)}, nil
}

// dispatchLocked hands chunks to workers with room for them and sends
// them; chunks given back by a worker go first. When a worker has nothing
// to do while another has chunks waiting, it asks for one back (steal).
func (p *Pool) dispatchLocked() {
	var touched []*poolProc
	for len(p.requeue) > 0 || len(p.queue) > 0 {
		w := p.freeWorkerLocked()
		if w == nil {
			break
		}
		var c *poolChunk
		if len(p.requeue) > 0 {
			c = p.requeue[0]
			p.requeue = p.requeue[1:]
			c.sent, c.revoking = time.Now(), false
		} else {
			j := p.queue[0]
			c = &poolChunk{job: j, start: j.next, n: min(j.chunk, j.n-j.next), sent: time.Now()}
			j.next += c.n
			if j.next == j.n {
				p.queue = p.queue[1:]
			}
		}
		w.inflight = append(w.inflight, c)
		w.fresh = append(w.fresh, c)
		if len(w.fresh) == 1 {
			touched = append(touched, w)
		}
	}
	for _, w := range touched {
		p.postLocked(w)
	}
	if len(p.requeue) == 0 && len(p.queue) == 0 {
		p.stealLocked()
	}
}

// stealLocked asks workers with chunks waiting behind the one they run to
// give one back, once for each idle worker. It takes from a worker only
// when that is worth a round trip: its waiting chunks are estimated to
// take poolAhead or more, or the chunk it runs is late (may wait for
// something); otherwise it looks again when that chunk would become late.
func (p *Pool) stealLocked() {
	idle, asked := 0, 0
	for _, w := range p.workers {
		if w.stopping {
			continue
		}
		if len(w.inflight) == 0 {
			idle++
		}
		for _, c := range w.inflight {
			if c.revoking {
				asked++
			}
		}
	}
	now := time.Now()
	var recheck time.Time
	for asked < idle {
		// The last waiting chunk of the worker with the most waiting.
		var victim *poolProc
		var chunk *poolChunk
		most := 0
		for _, w := range p.workers {
			if w.stopping || len(w.inflight) < 2 {
				continue
			}
			waiting, work := 0, 0.0
			var last *poolChunk
			for _, c := range w.inflight[1:] {
				if !c.revoking {
					waiting++
					work += p.costLocked(c.job) * float64(c.n)
					last = c
				}
			}
			if waiting == 0 {
				continue
			}
			if late := p.lateLocked(w.inflight[0]); work < poolAhead && now.Before(late) {
				if recheck.IsZero() || late.Before(recheck) {
					recheck = late
				}
				continue
			}
			if waiting > most {
				victim, chunk, most = w, last, waiting
			}
		}
		if victim == nil {
			break
		}
		chunk.revoking = true
		asked++
		var e encoder
		e.b = append(e.b, poolMsgRevoke)
		e.uint(chunk.job.id)
		e.uint(uint64(chunk.start))
		p.sendLocked(victim, e.b)
	}
	if asked < idle && !recheck.IsZero() && p.stealTimer == nil {
		p.stealTimer = time.AfterFunc(time.Until(recheck), func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.stealTimer = nil
			if !p.closed {
				p.stealLocked()
			}
		})
	}
}

// costLocked returns the estimated time a task of j takes, in ns; 0 when
// the function's tasks have not been timed yet.
func (p *Pool) costLocked(j *poolJob) float64 { return p.cost[j.fnID] }

// lateLocked returns when chunk c, running in a worker, is late: it has
// taken twice as long as estimated, and poolAhead more.
func (p *Pool) lateLocked(c *poolChunk) time.Time {
	cost, ok := p.cost[c.job.fnID]
	if !ok {
		return c.sent // unknown: late at once
	}
	return c.sent.Add(time.Duration(2*cost*float64(c.n) + poolAhead))
}

// revoked handles a chunk w gave back: another worker takes it.
func (p *Pool) revoked(w *poolProc, job uint64, start int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, c := range w.inflight {
		if c.job.id == job && c.start == start && c.got == 0 {
			w.inflight = append(w.inflight[:i], w.inflight[i+1:]...)
			if c.job.err == nil {
				p.requeue = append(p.requeue, c)
			}
			break
		}
	}
	p.dispatchLocked()
}

// freeWorkerLocked returns the worker with the fewest chunks on their way,
// if it has room for one more, taking turns among equals.
func (p *Pool) freeWorkerLocked() *poolProc {
	var best *poolProc
	nw := len(p.workers)
	for k := 0; k < nw; k++ {
		w := p.workers[(p.turn+k)%nw]
		if !p.roomLocked(w) {
			continue
		}
		if best == nil || len(w.inflight) < len(best.inflight) {
			best = w
		}
	}
	if best != nil {
		p.turn++
	}
	return best
}

// roomLocked reports whether w may have one more chunk on its way: when it
// has none, or when those it has are estimated to take less than poolAhead
// and none is late (a task may wait for something: what waits behind it
// should go to another worker).
func (p *Pool) roomLocked(w *poolProc) bool {
	switch k := len(w.inflight); {
	case w.stopping || k >= poolMaxInflight:
		return false
	case k == 0:
		return true
	}
	ahead := 0.0
	now := time.Now()
	for _, c := range w.inflight {
		cost, ok := p.cost[c.job.fnID]
		if !ok || now.After(p.lateLocked(c)) {
			return false
		}
		ahead += cost * float64(c.n-c.got)
	}
	return ahead < poolAhead
}

// postLocked encodes the fresh chunks of w into one message and sends it,
// or leaves it to the sender goroutine when the socket is full.
func (p *Pool) postLocked(w *poolProc) {
	e := encoder{b: w.scratch[:0]}
	var body encoder
	for _, c := range w.fresh {
		j := c.job
		mark := len(e.b)
		if !w.defined[j.fnID] {
			e.b = append(e.b, poolMsgFunc)
			e.uint(j.fnID)
			encodeRef(&e, j.f.ref)
			e.string(j.f.v.Type().String())
		}
		body.b = body.b[:0]
		body.uint(j.id)
		body.uint(uint64(c.start))
		body.uint(j.fnID)
		body.uint(uint64(c.n))
		body.uint(uint64(len(j.cols)))
		var err error
		for k, col := range j.cols {
			if err = encodeColumn(&body, col.Slice(c.start, c.start+c.n), "items"); err != nil {
				err = fmt.Errorf("argument %d: %w", k+1, err)
				break
			}
		}
		if err != nil {
			e.b = e.b[:mark]
			for i, x := range w.inflight {
				if x == c {
					w.inflight = append(w.inflight[:i], w.inflight[i+1:]...)
					break
				}
			}
			p.resultsLocked(j, c.start, c.n, reflect.Value{}, nil, "cannot send to a worker: "+err.Error())
			continue
		}
		w.defined[j.fnID] = true
		e.b = append(e.b, poolMsgChunk)
		e.bytes(body.b)
	}
	w.fresh = w.fresh[:0]
	if len(e.b) > 0 {
		p.sendLocked(w, e.b)
	}
}

// sendLocked sends msg to w at once if its socket has room and nothing
// waits before it; otherwise it queues msg for the sender goroutine.
func (p *Pool) sendLocked(w *poolProc, msg []byte) {
	if len(w.backlog) == 0 {
		switch err := w.c.send(msg, nil, time.Unix(1, 0)); err {
		case nil:
			if cap(msg) <= 64<<10 {
				w.scratch = msg[:0]
			}
			return
		case errTimeout: // full
		default:
			return // the worker is gone: its reader says how
		}
	}
	w.backlog = append(w.backlog, msg)
	w.scratch = nil // msg is the backlog's now
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// sender is a worker's sender goroutine: it sends the messages that did
// not fit in the socket, waiting for room.
func (p *Pool) sender(w *poolProc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		for len(w.backlog) == 0 && !w.quit {
			p.mu.Unlock()
			<-w.wake
			p.mu.Lock()
		}
		if len(w.backlog) == 0 {
			return
		}
		msg := w.backlog[0]
		p.mu.Unlock()
		err := w.c.send(msg, nil, time.Time{})
		p.mu.Lock()
		w.backlog = w.backlog[1:]
		if err != nil {
			w.backlog = nil
			return // the worker is gone: its reader says how
		}
	}
}

// stopWorkerLocked asks w to exit once it has done what it was sent.
func (p *Pool) stopWorkerLocked(w *poolProc) {
	if w.stopping {
		return
	}
	w.stopping = true
	p.sendLocked(w, []byte{poolMsgStop})
	w.quit = true
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// killWorkerLocked kills w.
func (p *Pool) killWorkerLocked(w *poolProc) {
	if !w.stopping {
		w.stopping = true
		w.proc.Kill()
	}
	w.quit = true
	w.backlog = nil
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// read is a worker's reader goroutine.
func (p *Pool) read(w *poolProc) {
	for {
		data, files, err := w.c.recv(time.Time{})
		closeFiles(files)
		d := decoder{b: data}
		for err == nil && len(d.b) > 0 {
			tag := d.b[0]
			d.b = d.b[1:]
			switch tag {
			case poolMsgResults:
				rec := d.bytes()
				if err = d.err; err == nil {
					err = p.received(w, rec)
				}
			case poolMsgRevoked:
				job, start := d.uint(), int(d.uint())
				if err = d.err; err == nil {
					p.revoked(w, job, start)
				}
			default:
				err = errors.New("mp: pool: bad message from a worker")
			}
		}
		if err != nil {
			p.lost(w, err)
			return
		}
	}
}

// received handles a results record from w.
func (p *Pool) received(w *poolProc, rec []byte) error {
	d := decoder{b: rec}
	jobID, start, n, _, busy := d.uint(), int(d.uint()), int(d.uint()), d.uint(), d.uint() // _: flags, none yet
	if d.err != nil {
		return d.err
	}
	p.mu.Lock()
	if len(w.inflight) == 0 {
		p.mu.Unlock()
		return errors.New("mp: pool: results from a worker that has no tasks")
	}
	c := w.inflight[0]
	j := c.job
	p.mu.Unlock()
	if j.id != jobID || start != c.start+c.got || n <= 0 || c.got+n > c.n {
		return fmt.Errorf("mp: pool: a worker sent results of tasks %d..%d of job %d; expected job %d from task %d", start, start+n, jobID, j.id, c.start+c.got)
	}
	var errs map[int]string
	for k := int(d.uint()); k > 0 && d.err == nil; k-- {
		i := int(d.uint())
		msg := d.string()
		if i < n {
			if errs == nil {
				errs = map[int]string{}
			}
			errs[start+i] = msg
		}
	}
	if d.err != nil {
		return fmt.Errorf("mp: pool: bad results message: %w", d.err)
	}
	// The column comes last: an error decoding it leaves the rest intact.
	var col reflect.Value
	var colErr error
	switch {
	case len(d.b) > 0 && d.b[0] == colNone:
		// no values: the function has none, or the worker could not send them
	case j.f.out != nil:
		col, colErr = decodeColumn(&d, j.f.out, n, "results")
	default:
		return errors.New("mp: pool: a worker sent results of a function without results")
	}
	why := ""
	p.mu.Lock()
	defer p.mu.Unlock()
	if colErr != nil {
		why = colErr.Error()
	}
	if p.cost == nil {
		p.cost = map[uint64]float64{}
	}
	per := float64(busy) / float64(n)
	if old, ok := p.cost[j.fnID]; ok {
		per = (old + per) / 2
	}
	p.cost[j.fnID] = per
	c.got += n
	if c.got == c.n && len(w.inflight) > 0 && w.inflight[0] == c {
		w.inflight = w.inflight[1:]
	}
	p.resultsLocked(j, start, n, col, errs, why)
	p.dispatchLocked()
	return nil
}

// resultsLocked records the results of tasks [start, start+n) of j: col
// holds their values (invalid when none), errs the failed ones; when why is
// set, every one of them failed for that reason.
func (p *Pool) resultsLocked(j *poolJob, start, n int, col reflect.Value, errs map[int]string, why string) {
	if j.err != nil {
		return // failed as a whole already
	}
	if col.IsValid() && why == "" {
		reflect.Copy(j.out.Slice(start, start+n), col)
	}
	for i := start; i < start+n; i++ {
		msg, bad := errs[i]
		if why != "" {
			msg, bad = why, true
		}
		if bad {
			if j.itemErrs == nil {
				j.itemErrs = map[int]string{}
			}
			j.itemErrs[i] = msg
		}
		if !j.have[i] {
			j.have[i] = true
			j.done++
			if j.unordered {
				j.arrived = append(j.arrived, i)
			}
		}
	}
	select {
	case j.progress <- struct{}{}:
	default:
	}
	if j.done == j.n {
		close(j.finished)
		p.jobDoneLocked(j)
	}
}

// jobDoneLocked forgets a finished job.
func (p *Pool) jobDoneLocked(j *poolJob) {
	delete(p.jobs, j)
	if len(p.jobs) == 0 && p.idle != nil {
		close(p.idle)
		p.idle = nil
	}
}

// lost handles the end of a worker's socket: expected when the pool
// stopped it, otherwise the worker died and the pool breaks.
func (p *Pool) lost(w *poolProc, err error) {
	p.mu.Lock()
	expected := w.stopping
	p.mu.Unlock()
	if expected {
		return
	}
	// Say how it died: wait for it to exit (it has, or is about to).
	var how any = err
	if w.proc.JoinTimeout(2 * time.Second) {
		if jerr := w.proc.Join(); jerr != nil {
			how = jerr
		} else {
			how = "exited"
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if w.stopping {
		return
	}
	p.breakLocked(fmt.Errorf("worker %s died (%v); the pool is closed", w.proc.Name(), how))
}

// breakLocked ends the pool after a failure: every unfinished job fails
// with err, and the workers are killed.
func (p *Pool) breakLocked(err error) {
	if p.err != nil {
		return
	}
	p.err = err
	p.endLocked(func(j *poolJob) error { return fmt.Errorf("mp: Pool.%s: %w", j.method, err) })
}

// endLocked fails the unfinished jobs with the error why gives and kills
// the workers; Close or Terminate waits for them.
func (p *Pool) endLocked(why func(*poolJob) error) {
	for j := range p.jobs {
		j.fail(why(j))
		p.jobDoneLocked(j)
	}
	p.queue, p.requeue = nil, nil
	for _, w := range p.workers {
		p.killWorkerLocked(w)
		w.inflight, w.fresh = nil, nil
	}
}

// stop ends the pool: gracefully (Close: the jobs finish, then the workers
// exit) or at once (Terminate), and waits for the workers to exit.
func (p *Pool) stop(kill bool) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closing = true
	if !kill {
		for len(p.jobs) > 0 && p.err == nil {
			if p.idle == nil {
				p.idle = make(chan struct{})
			}
			idle := p.idle
			p.mu.Unlock()
			<-idle
			p.mu.Lock()
		}
	}
	for p.starting > 0 {
		if p.startDone == nil {
			p.startDone = make(chan struct{})
		}
		ch := p.startDone
		p.mu.Unlock()
		<-ch
		p.mu.Lock()
	}
	p.closed = true
	if kill {
		p.endLocked(func(j *poolJob) error { return fmt.Errorf("mp: Pool.%s: the pool was terminated", j.method) })
	}
	workers := p.workers
	for _, w := range workers {
		p.stopWorkerLocked(w)
	}
	p.mu.Unlock()
	var err error
	for _, w := range workers {
		if e := w.proc.Join(); e != nil && err == nil && !kill && p.err == nil {
			err = fmt.Errorf("mp: Pool.Close: %w", e)
		}
		w.c.close()
	}
	return err
}
