package mp

import (
	"errors"
	"fmt"
	"html"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
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
// memory, which process acquired and released it when (up to 4096 events;
// later ones are dropped). Every process using the lock records into the
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

// A LockEvent is one acquisition or release of a traced [Lock].
type LockEvent struct {
	Time    time.Time
	Pid     int    // process id
	Process string // process name, "MainProcess" for the parent
	Acquire bool   // true when the process acquired the lock, false when it released it
}

// A Span is an interval during which one process held a traced [Lock].
type Span struct {
	Pid        int
	Process    string
	Start, End time.Time
	// Open is true when no release was recorded: the process still holds
	// the lock, or died holding it. End is then the time of the last event.
	Open bool
}

// A Timeline is a snapshot of the events a traced [Lock] recorded, from
// every process that used it. Its SVG method draws one lane per process
// with a bar for each interval the process held the lock, so a notebook
// cell whose last expression is lock.Timeline() shows the picture. A
// Timeline is a plain value, safe to copy and to read concurrently.
type Timeline struct {
	Events  []LockEvent // in time order
	Dropped int         // events not recorded because the buffer was full
}

// Timeline returns the events l recorded so far, in time order. For a Lock
// made by [NewLock] it is empty: only [NewTracedLock] records events.
func (l *Lock) Timeline() *Timeline {
	tl := &Timeline{}
	if l == nil || l.trace == nil {
		return tl
	}
	t := l.trace
	n := atomic.LoadUint32(t.seg.Uint32(t.off))
	if n > t.cap {
		tl.Dropped = int(n - t.cap)
		n = t.cap
	}
	b := t.seg.Bytes()
	for i := 0; i < int(n); i++ {
		e := t.off + traceEvents + i*eventSize
		kind := atomic.LoadUint32(t.seg.Uint32(e + 12))
		if kind != eventAcquire && kind != eventRelease {
			continue // being written
		}
		name := b[e+16 : e+eventSize]
		if j := strings.IndexByte(string(name), 0); j >= 0 {
			name = name[:j]
		}
		tl.Events = append(tl.Events, LockEvent{
			Time:    time.Unix(0, atomic.LoadInt64((*int64)(unsafe.Pointer(t.seg.Uint64(e))))),
			Pid:     int(atomic.LoadUint32(t.seg.Uint32(e + 8))),
			Process: string(name),
			Acquire: kind == eventAcquire,
		})
	}
	sort.SliceStable(tl.Events, func(i, j int) bool { return tl.Events[i].Time.Before(tl.Events[j].Time) })
	return tl
}

// Spans pairs each acquisition with the release that follows it and returns
// the intervals during which a process held the lock, in time order.
func (t *Timeline) Spans() []Span {
	var spans []Span
	open := -1 // index in spans of the span not yet released
	for _, e := range t.Events {
		if e.Acquire {
			if open >= 0 {
				spans[open].End, spans[open].Open = e.Time, true // holder died or released unrecorded
			}
			spans = append(spans, Span{Pid: e.Pid, Process: e.Process, Start: e.Time})
			open = len(spans) - 1
			continue
		}
		if open >= 0 {
			spans[open].End = e.Time
			open = -1
		}
	}
	if open >= 0 {
		end := spans[open].Start
		if n := len(t.Events); n > 0 {
			end = t.Events[n-1].Time
		}
		spans[open].End, spans[open].Open = end, true
	}
	return spans
}

// String lists the spans, one line per interval a process held the lock,
// with times in milliseconds from the first event.
func (t *Timeline) String() string {
	if len(t.Events) == 0 {
		return "Timeline(no events: make the lock with mp.NewTracedLock)"
	}
	t0 := t.Events[0].Time
	var b strings.Builder
	for _, s := range t.Spans() {
		fmt.Fprintf(&b, "%s (pid %d) held %.1f ms .. %.1f ms", s.Process, s.Pid,
			ms(s.Start.Sub(t0)), ms(s.End.Sub(t0)))
		if s.Open {
			b.WriteString(" (no release recorded)")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

var laneColors = []string{"#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C"}

// SVG draws the timeline: one lane per process, in order of first use, and
// a bar for each interval the process held the lock. Bars with no recorded
// release are hatched.
func (t *Timeline) SVG() string {
	const (
		width  = 760
		left   = 170
		right  = 40
		top    = 30
		laneH  = 30
		barH   = 18
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
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`, width, height, width, height)
	b.WriteString(`<defs><pattern id="open" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#999"/></pattern></defs>`)
	fmt.Fprintf(&b, `<text x="%d" y="18" font-weight="bold">Who held the lock when</text>`, left)
	if len(t.Events) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d">no events recorded (make the lock with mp.NewTracedLock)</text></svg>`, left, top+20)
		return b.String()
	}
	t0 := t.Events[0].Time
	step, nsteps := axisTicks(t.Events[len(t.Events)-1].Time.Sub(t0), nticks)
	total := step * time.Duration(nsteps)
	x := func(tm time.Time) float64 { return left + float64(tm.Sub(t0))/float64(total)*plotW }
	for i, l := range lanes {
		y := top + i*laneH
		if i%2 == 0 {
			fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="%d" fill="#f4f4f4"/>`, y, width, laneH)
		}
		fmt.Fprintf(&b, `<text x="8" y="%d">%s (pid %d)</text>`, y+laneH/2+4, html.EscapeString(l.name), l.pid)
	}
	spans := t.Spans()
	anyOpen := false
	for _, s := range spans {
		anyOpen = anyOpen || s.Open
		i := laneOf[s.Pid]
		y := top + i*laneH + (laneH-barH)/2
		x0, x1 := x(s.Start), x(s.End)
		w := max(x1-x0, 1)
		fill := laneColors[i%len(laneColors)]
		if s.Open {
			fill = "url(#open)"
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s (pid %d): %.1f ms to %.1f ms</title></rect>`,
			x0, y, w, barH, fill, html.EscapeString(s.Process), s.Pid, ms(s.Start.Sub(t0)), ms(s.End.Sub(t0)))
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
	if anyOpen {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#555">hatched: no release recorded (still held, or the process died holding it)</text>`, left, ay+36)
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
