package mp

import (
	"errors"
	"fmt"
	"html"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/gopherlab/gopherlab/runtime/shm"
)

// Trace buffer layout in a traced Lock's segment, from traceOff:
//
//	+0  next event slot (uint32), +4 capacity (uint32), +64 events
//
// Each event is eventSize bytes: unix time in ns (int64), pid (uint32),
// kind (uint32, written last: 0 means the slot is not written yet), name.
const (
	traceOff      = 64
	traceEvents   = 64
	eventSize     = 64
	eventNameLen  = eventSize - 16
	traceCapacity = 4096

	eventAcquire = 1
	eventRelease = 2
	eventWait    = 3
	eventGiveUp  = 4
)

// currentProcessName returns this process's name: "MainProcess", or in a
// child the name its parent gave it, as in Python.
func currentProcessName() string { return CurrentProcess().Name() }

// tracer appends lock events to a buffer in shared memory, so that the
// events of every process using the lock are in one place.
type tracer struct {
	seg *shm.Segment
	off int
	cap uint32
}

// NewTracedLock returns a new unlocked [Lock] that records, in shared
// memory, which process acquired and released it when, and which waited
// for it (up to 4096 events; later ones are dropped). Every process using the lock records into the
// same buffer; [Lock.Timeline] draws it. Recording costs about 100 ns per
// Lock and Unlock, so use [NewLock] where speed matters.
func NewTracedLock() *Lock {
	seg := mustSegment(traceOff + traceEvents + traceCapacity*eventSize)
	*seg.Uint32(traceOff + 4) = traceCapacity
	t, err := openTracer(seg, traceOff)
	if err != nil {
		panic(err)
	}
	return newLock(seg, 0, t)
}

func openTracer(seg *shm.Segment, off int) (*tracer, error) {
	if off%8 != 0 || off+traceEvents > seg.Len() {
		return nil, errors.New("mp: open traced Lock: bad trace offset")
	}
	c := atomic.LoadUint32(seg.Uint32(off + 4))
	if off+traceEvents+int(c)*eventSize > seg.Len() {
		return nil, errors.New("mp: open traced Lock: trace buffer larger than its memory")
	}
	return &tracer{seg: seg, off: off, cap: c}, nil
}

func (t *tracer) record(kind uint32) {
	i := atomic.AddUint32(t.seg.Uint32(t.off), 1) - 1
	if i >= t.cap {
		return
	}
	e := t.off + traceEvents + int(i)*eventSize
	atomic.StoreInt64((*int64)(unsafe.Pointer(t.seg.Uint64(e))), time.Now().UnixNano())
	atomic.StoreUint32(t.seg.Uint32(e+8), uint32(shm.Pid(shm.Self())))
	copy(t.seg.Bytes()[e+16:e+eventSize], currentProcessName()+strings.Repeat("\x00", eventNameLen))
	atomic.StoreUint32(t.seg.Uint32(e+12), kind)
}

// A LockEventKind says what a process did with a traced [Lock].
type LockEventKind uint8

// The kinds of [LockEvent].
const (
	LockAcquired LockEventKind = eventAcquire // the process acquired the lock
	LockReleased LockEventKind = eventRelease // the process released it
	LockWaiting  LockEventKind = eventWait    // the process found it held and began to wait
	LockGaveUp   LockEventKind = eventGiveUp  // a LockTimeout stopped waiting without it
)

// String returns the kind's name, for instance "acquired".
func (k LockEventKind) String() string {
	switch k {
	case LockAcquired:
		return "acquired"
	case LockReleased:
		return "released"
	case LockWaiting:
		return "waiting"
	case LockGaveUp:
		return "gave up"
	}
	return "LockEventKind(" + strconv.Itoa(int(k)) + ")"
}

// A LockEvent is one thing a process did with a traced [Lock]: it
// acquired or released it, began to wait for it, or gave up waiting.
type LockEvent struct {
	Time    time.Time
	Pid     int    // process id
	Process string // process name, "MainProcess" for the parent
	Kind    LockEventKind
}

// A Span is an interval during which one process held a traced [Lock]
// (see [Timeline.Spans]) or waited for it ([Timeline.Waits]).
type Span struct {
	Pid        int
	Process    string
	Start, End time.Time
	// Open is true when the interval did not end with a recorded event
	// (a release, for a hold; an acquisition or giving up, for a wait).
	// Then Still or Ended says why when it is known.
	Open bool
	// Still is true when the process was still holding (or waiting) when
	// the timeline was taken; End is then the moment it was taken.
	Still bool
	// Ended is true when the process ended holding the lock (or waiting
	// for it): it died, was killed, or returned without unlocking. End is
	// then the moment it ended. Without Still or Ended, an open interval
	// ends at the next event, or at the last one.
	Ended bool
	// GaveUp is true for a wait that a LockTimeout ended without the lock.
	GaveUp bool
}

// A Timeline is a snapshot of the events a traced [Lock] recorded, from
// every process that used it. Its SVG method draws one lane per process
// with a bar for each interval the process held the lock and a thin bar
// for each interval it waited, so a notebook cell whose last expression is
// lock.Timeline() shows the picture. A Timeline is a plain value, safe to
// copy and to read concurrently.
type Timeline struct {
	Events  []LockEvent // in time order
	Dropped int         // events not recorded because the buffer was full
	// Taken is when the snapshot was taken; holds and waits still going
	// on then are drawn up to it.
	Taken time.Time
	// Holder is the process id holding the lock when the snapshot was
	// taken, 0 when it was free.
	Holder int
	// Ended holds, for the processes that used the lock and have ended,
	// the moment each ended, by process id: those this process started
	// and saw end. A hold with no release ends there.
	Ended map[int]time.Time
}

// Timeline returns the events l recorded so far, in time order, with what
// this process knows of how they end: who holds l now, and when the
// processes it started ended. For a Lock made by [NewLock] it is empty:
// only [NewTracedLock] records events.
func (l *Lock) Timeline() *Timeline {
	tl := &Timeline{Taken: time.Now()}
	if l == nil || l.trace == nil {
		return tl
	}
	tl.Holder = l.m.Owner()
	tl.Events, tl.Dropped, _ = l.trace.events(0)
	for _, e := range tl.Events {
		if _, seen := tl.Ended[e.Pid]; seen {
			continue
		}
		if t, ok := endedAt(e.Pid); ok {
			if tl.Ended == nil {
				tl.Ended = map[int]time.Time{}
			}
			tl.Ended[e.Pid] = t
		}
	}
	return tl
}

// events returns the events recorded from slot from on, in time order, how
// many were dropped because the buffer was full, and the slot up to which
// every event was complete (later ones may still be being written).
func (t *tracer) events(from int) (events []LockEvent, dropped, complete int) {
	n := int(atomic.LoadUint32(t.seg.Uint32(t.off)))
	if n > int(t.cap) {
		dropped = n - int(t.cap)
		n = int(t.cap)
	}
	b := t.seg.Bytes()
	complete = n
	for i := from; i < n; i++ {
		e := t.off + traceEvents + i*eventSize
		kind := atomic.LoadUint32(t.seg.Uint32(e + 12))
		if kind < eventAcquire || kind > eventGiveUp {
			complete = min(complete, i)
			continue // being written
		}
		name := b[e+16 : e+eventSize]
		if j := strings.IndexByte(string(name), 0); j >= 0 {
			name = name[:j]
		}
		events = append(events, LockEvent{
			Time:    time.Unix(0, atomic.LoadInt64((*int64)(unsafe.Pointer(t.seg.Uint64(e))))),
			Pid:     int(atomic.LoadUint32(t.seg.Uint32(e + 8))),
			Process: string(name),
			Kind:    LockEventKind(kind),
		})
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].Time.Before(events[j].Time) })
	return events, dropped, complete
}

// alive reports whether the process with process id pid still runs, as far
// as this process can tell.
func alive(pid int) bool {
	return pid > 0 && (pid == os.Getpid() || syscall.Kill(pid, 0) != syscall.ESRCH)
}

// finish ends the open interval s: at the moment its process ended when
// known (at next if that came first: a lock passes on when its holder
// dies, before the parent reaps it), else at next (the time of the event that showed it over) when not
// zero, else at the snapshot's time while the process still holds or
// waits, else at last.
func (t *Timeline) finish(s *Span, next, last time.Time, still bool) {
	s.Open = true
	switch end, ok := t.Ended[s.Pid]; {
	case ok:
		s.End, s.Ended = end, true
		if !next.IsZero() && end.After(next) {
			// The lock passed on when the process died, before its parent
			// reaped it (the moment the timeline knows): it ended by next.
			s.End = next
		}
	case !next.IsZero():
		s.End = next
	case still && !t.Taken.IsZero():
		s.End, s.Still = t.Taken, true
	default:
		s.End = last
	}
	if s.End.Before(s.Start) {
		s.End = s.Start
	}
}

// Spans pairs each acquisition with the release that follows it and returns
// the intervals during which a process held the lock, in time order. A hold
// with no release ends when its process ended, if the timeline knows when
// (see [Timeline.Ended]), at the next acquisition otherwise, or, for the
// last hold, when the timeline was taken if the process held the lock then.
func (t *Timeline) Spans() []Span {
	var spans []Span
	open := -1 // index in spans of the hold not yet released
	var last time.Time
	for _, e := range t.Events {
		last = e.Time
		switch e.Kind {
		case LockAcquired:
			if open >= 0 {
				t.finish(&spans[open], e.Time, e.Time, false) // holder died or released unrecorded
			}
			spans = append(spans, Span{Pid: e.Pid, Process: e.Process, Start: e.Time})
			open = len(spans) - 1
		case LockReleased:
			if open >= 0 {
				spans[open].End = e.Time
				open = -1
			}
		}
	}
	if open >= 0 {
		s := &spans[open]
		t.finish(s, time.Time{}, last, t.Holder == s.Pid && alive(s.Pid))
	}
	return spans
}

// Waits returns the intervals during which a process waited for the lock,
// in the order they began: from the moment it found the lock held to the
// moment it acquired it or gave up (GaveUp). A wait with neither ends when
// its process ended, if known, or when the timeline was taken.
func (t *Timeline) Waits() []Span {
	var waits []Span
	open := map[int]int{} // pid -> index in waits
	var last time.Time
	for _, e := range t.Events {
		last = e.Time
		i, waiting := open[e.Pid]
		switch e.Kind {
		case LockWaiting:
			if waiting {
				t.finish(&waits[i], e.Time, e.Time, false)
			}
			waits = append(waits, Span{Pid: e.Pid, Process: e.Process, Start: e.Time})
			open[e.Pid] = len(waits) - 1
		case LockAcquired, LockGaveUp:
			if waiting {
				waits[i].End, waits[i].GaveUp = e.Time, e.Kind == LockGaveUp
				delete(open, e.Pid)
			}
		}
	}
	for pid, i := range open {
		t.finish(&waits[i], time.Time{}, last, alive(pid))
	}
	return waits
}

// end returns the latest moment the timeline shows.
func (t *Timeline) end(spans, waits []Span) time.Time {
	var end time.Time
	if n := len(t.Events); n > 0 {
		end = t.Events[n-1].Time
	}
	for _, ss := range [][]Span{spans, waits} {
		for _, s := range ss {
			if s.End.After(end) {
				end = s.End
			}
		}
	}
	return end
}

// String lists the holds, one line per interval a process held the lock,
// with times in milliseconds from the first event, in the language set with
// [SetLanguage].
func (t *Timeline) String() string {
	if len(t.Events) == 0 {
		return say("timeline.noneText")
	}
	t0 := t.Events[0].Time
	var b strings.Builder
	for _, s := range t.Spans() {
		b.WriteString(say("timeline.held", s.Process, s.Pid, ms(s.Start.Sub(t0)), ms(s.End.Sub(t0))))
		switch {
		case s.Ended:
			b.WriteString(say("timeline.ended"))
		case s.Still:
			b.WriteString(say("timeline.still"))
		case s.Open:
			b.WriteString(say("timeline.unknown"))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

var laneColors = []string{"#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C"}

// SVG draws the timeline: one lane per process, in order of first use, a
// bar for each interval the process held the lock and a thin bar for each
// interval it waited for it. Holds with no release are hatched. The words
// are in the language set with [SetLanguage].
func (t *Timeline) SVG() string {
	const (
		width  = 760
		left   = 170
		right  = 40
		top    = 30
		laneH  = 30
		barH   = 18
		waitH  = 4
		axisH  = 30
		plotW  = width - left - right
		nticks = 6 // at most
	)
	type lane struct {
		pid  int
		name string
	}
	var lanes []lane
	laneOf := map[int]int{}
	for _, e := range t.Events {
		if _, ok := laneOf[e.Pid]; !ok {
			laneOf[e.Pid] = len(lanes)
			lanes = append(lanes, lane{e.Pid, e.Process})
		}
	}
	height := top + len(lanes)*laneH + axisH + 16
	if t.Dropped > 0 {
		height += 16
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`, width, height, width, height)
	b.WriteString(`<defs><pattern id="open" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#999"/></pattern></defs>`)
	fmt.Fprintf(&b, `<text x="%d" y="18" font-weight="bold">%s</text>`, left, html.EscapeString(say("timeline.title")))
	if len(t.Events) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text></svg>`, left, top+20, html.EscapeString(say("timeline.none")))
		return b.String()
	}
	spans, waits := t.Spans(), t.Waits()
	t0 := t.Events[0].Time
	step, nsteps := axisTicks(t.end(spans, waits).Sub(t0), nticks)
	total := step * time.Duration(nsteps)
	x := func(tm time.Time) float64 { return left + float64(tm.Sub(t0))/float64(total)*plotW }
	for i, l := range lanes {
		y := top + i*laneH
		if i%2 == 0 {
			fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="%d" fill="#f4f4f4"/>`, y, width, laneH)
		}
		fmt.Fprintf(&b, `<text x="8" y="%d">%s (pid %d)</text>`, y+laneH/2+4, html.EscapeString(l.name), l.pid)
	}
	for _, s := range waits {
		i := laneOf[s.Pid]
		y := top + i*laneH + (laneH-waitH)/2
		x0, x1 := x(s.Start), x(s.End)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s" opacity="0.6"><title>%s</title></rect>`,
			x0, y, max(x1-x0, 1), waitH, laneColors[i%len(laneColors)],
			html.EscapeString(say("timeline.waitTip", s.Process, s.Pid, ms(s.Start.Sub(t0)), ms(s.End.Sub(t0)))))
	}
	anyEnded, anyStill := false, false
	for _, s := range spans {
		i := laneOf[s.Pid]
		y := top + i*laneH + (laneH-barH)/2
		x0, x1 := x(s.Start), x(s.End)
		fill := laneColors[i%len(laneColors)]
		if s.Open {
			fill = "url(#open)"
			anyStill = anyStill || s.Still
			anyEnded = anyEnded || !s.Still
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`,
			x0, y, max(x1-x0, 1), barH, fill,
			html.EscapeString(say("timeline.heldTip", s.Process, s.Pid, ms(s.Start.Sub(t0)), ms(s.End.Sub(t0)))))
	}
	ay := top + len(lanes)*laneH
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`, left, ay, left+plotW, ay)
	for k := 0; k <= nsteps; k++ {
		tx := left + float64(k)*plotW/float64(nsteps)
		// The last label ends at its tick, so that it stays inside the
		// picture whatever its length.
		anchor := "middle"
		if k == nsteps {
			anchor = "end"
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333"/><text x="%.1f" y="%d" text-anchor="%s">%s</text>`,
			tx, ay, tx, ay+4, tx, ay+18, anchor, tickLabel(step*time.Duration(k), step))
	}
	legend := []string{say("timeline.legend")}
	if len(waits) > 0 {
		legend = append(legend, say("timeline.waitLeg"))
	}
	if anyEnded {
		legend = append(legend, say("timeline.openLeg"))
	}
	if anyStill {
		legend = append(legend, say("timeline.stillLeg"))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#555">%s</text>`, left, ay+36, html.EscapeString(strings.Join(legend, " · ")))
	if t.Dropped > 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#555">%s</text>`, left, ay+52, html.EscapeString(say("timeline.dropped", t.Dropped)))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// axisTicks returns a round step (1, 2 or 5 times a power of ten
// nanoseconds) and a number of steps, at most about n, whose product covers
// total.
func axisTicks(total time.Duration, n int) (step time.Duration, steps int) {
	total = max(total, time.Microsecond)
	for p := time.Duration(1); ; p *= 10 {
		for _, m := range []time.Duration{1, 2, 5} {
			if step = m * p; step*time.Duration(n) >= total {
				return step, int((total + step - 1) / step)
			}
		}
	}
}

// tickLabel formats the time d of an axis tick in the unit that suits the
// step between ticks, for instance "250 ms" or "2 s".
func tickLabel(d, step time.Duration) string {
	unit, name := time.Nanosecond, "ns"
	switch {
	case step >= time.Second:
		unit, name = time.Second, "s"
	case step >= time.Millisecond:
		unit, name = time.Millisecond, "ms"
	case step >= time.Microsecond:
		unit, name = time.Microsecond, "µs"
	}
	return strconv.FormatFloat(float64(d)/float64(unit), 'f', -1, 64) + " " + name
}
