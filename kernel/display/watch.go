package display

import (
	"sync"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// WatchEvery is how often a [Watcher] redraws its view. A redraw whose
// picture has not changed sends nothing.
const WatchEvery = 100 * time.Millisecond

// watchIdle is how long a Watcher waits for a first process before it
// draws its last picture and stops.
const watchIdle = 3 * time.Second

// A CellEnder is a [Sink] that can run a function when the cell running
// now ends. When the installed sink is one, a [Watcher] redraws until its
// cell ends and draws its last picture then, as part of the cell;
// otherwise it stops once the processes it follows have all exited.
type CellEnder interface {
	// AtCellEnd arranges for f to be called once when the cell running now
	// ends: after its code has returned and the processes it waits for
	// have exited, before its reply, so that what f displays belongs to
	// the cell. It reports false, and never calls f, when no cell runs.
	AtCellEnd(f func()) bool
}

// Watch shows, below the cell, a live view of processes and shared objects
// and redraws it in place (update_display_data) every [WatchEvery] while
// the processes run: each process's name, pid, state (running, holding a
// lock, waiting for one, finished, killed) and exit code, who holds each
// lock and who waits for it (for locks made by mp.NewTracedLock), and the
// contents of each Value, Array, Queue, Semaphore, Event and Barrier. It
// returns at once:
//
//	display.Watch(lock, number)
//	p1.Start()
//	p2.Start()
//
// objs are what [mp.NewView] takes: the shared objects to show, processes
// to show before they start, and strings naming the object after them
// (display.Watch("lock A", a, "lock B", b)). The view follows every process
// started after Watch, and those running when it was called.
//
// The view stops changing, after a last redraw, when the processes it
// follows have all exited (daemons count only when there are no others),
// when [Watcher.Stop] is called, or when nothing was started within 3 s;
// it also stops when its cell ends, if the kernel's sink can tell
// ([CellEnder]). Outside the kernel (no [Sink]) nothing is drawn while the
// processes run, and the last view is printed as text when it stops.
func Watch(objs ...any) *Watcher {
	w := &Watcher{
		view:  mp.NewView(objs...),
		h:     NewHandle(),
		start: time.Now(),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	sinkMu.RLock()
	s := sink
	sinkMu.RUnlock()
	w.live = s != nil
	if w.live {
		w.draw()
	}
	if ce, ok := s.(CellEnder); ok {
		w.cellBound = ce.AtCellEnd(w.cellEnded)
	}
	unhook := w.view.OnEnd(w.processEnded)
	w.mu.Lock()
	w.unhook = unhook
	w.mu.Unlock()
	go w.run()
	return w
}

// A Watcher redraws a live view of processes and shared objects; [Watch]
// returns one. Its methods are safe for concurrent use.
type Watcher struct {
	view      *mp.View
	h         *Handle
	start     time.Time
	live      bool // a sink receives the redraws
	cellBound bool // the sink calls cellEnded when the cell ends

	stopOnce sync.Once
	stop     chan struct{} // closed by Stop
	endOnce  sync.Once
	done     chan struct{} // closed after the last redraw

	mu     sync.Mutex
	unhook func() // stops the calls of processEnded
	last   string // the last HTML sent
	ended  bool   // the last picture is being drawn: no other redraw
}

// View returns the view the watcher draws.
func (w *Watcher) View() *mp.View { return w.view }

// Stop draws the view one last time and stops redrawing it. It returns once
// the last picture is sent. Stopping twice is a no-op.
func (w *Watcher) Stop() {
	w.stopOnce.Do(func() { close(w.stop) })
	<-w.done
}

// Wait waits until the watcher has drawn its last picture.
func (w *Watcher) Wait() { <-w.done }

func (w *Watcher) run() {
	tick := time.NewTicker(WatchEvery)
	defer tick.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-w.stop:
			w.end()
			return
		case <-tick.C:
		}
		if !w.cellBound && over(w.view, w.start) {
			w.end()
			return
		}
		if w.live {
			w.draw()
		}
	}
}

// processEnded is called when a process the view follows has ended, before
// the code joining it goes on: the picture showing the end, the last one
// when it was the last process, is sent before Join returns.
func (w *Watcher) processEnded() {
	select {
	case <-w.done:
		return
	default:
	}
	if !w.cellBound && over(w.view, w.start) {
		w.end()
		return
	}
	if w.live {
		w.draw()
	}
}

// cellEnded draws the last picture when the cell ends. The cell's
// processes have exited by then, but the Process values may learn it a
// moment later: it gives them up to a second.
func (w *Watcher) cellEnded() {
	deadline := time.Now().Add(time.Second)
	for _, p := range w.view.Processes() {
		for p.Pid() != 0 && !p.Daemon() && !p.Exited() && time.Now().Before(deadline) {
			p.JoinTimeout(10 * time.Millisecond)
		}
	}
	w.end()
}

// end draws the last picture and stops, once.
func (w *Watcher) end() {
	w.endOnce.Do(func() {
		w.mu.Lock()
		unhook := w.unhook
		w.ended = true // a redraw under way finishes first; none starts after
		w.mu.Unlock()
		if unhook != nil {
			unhook()
		}
		w.finish()
		close(w.done)
	})
}

// over reports whether the processes the view follows are all over: some
// were started and none of them runs any more (daemons count only when
// there are no others), or none was started within watchIdle.
func over(v *mp.View, start time.Time) bool {
	var started, daemons []*mp.Process
	waiting := false // a process given to the view has yet to start
	for _, p := range v.Processes() {
		switch {
		case p.Pid() == 0:
			waiting = true
		case p.Daemon():
			daemons = append(daemons, p)
		default:
			started = append(started, p)
		}
	}
	if len(started) == 0 {
		started = daemons
	}
	if len(started) == 0 || waiting {
		return time.Since(start) > watchIdle
	}
	for _, p := range started {
		if !p.Exited() {
			return false
		}
	}
	return true
}

// finish draws the last picture: in place in the kernel, as text outside.
func (w *Watcher) finish() {
	if w.live {
		w.redraw(true)
		return
	}
	Text(w.view.String())
}

// draw sends the view if it changed since the last time, unless the last
// picture is being drawn.
func (w *Watcher) draw() { w.redraw(false) }

func (w *Watcher) redraw(last bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended && !last {
		return
	}
	html := w.view.HTML()
	if html == w.last {
		return
	}
	w.last = html
	w.h.Raw(map[string]any{MIMEHTML: html, MIMEText: w.view.String()}, nil)
}
