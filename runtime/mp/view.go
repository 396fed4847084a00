package mp

import (
	"fmt"
	"html"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gopherlab/gopherlab/runtime/shm"
)

// A View describes, each time it is drawn, the processes a program started
// and the shared objects it was given: each process's name, pid, state
// (running, holding a lock, waiting for one, finished, killed) and exit
// code, who holds each lock and who waits for it, and the contents of each
// Value, Array, Queue, Semaphore, Event and Barrier. kernel/display's Watch
// redraws one in place while a notebook cell's processes run; a View is
// also a value that renders itself (HTML and String), so a cell ending in
// a View shows it as it is at that moment.
//
// A View follows the processes started after it was made, those still
// running when it was made, and the ones passed to [NewView]. It sees
// waits only for locks made by [NewTracedLock], which record them. Its
// methods are safe for concurrent use.
type View struct {
	created time.Time
	seq     uint64     // registry sequence when made
	procs   []*Process // given to NewView
	before  []*Process // started earlier and running when made
	items   []viewItem

	mu    sync.Mutex
	waits map[*Lock]*lockWaits
}

// viewItem is one shared object a View shows, with its label.
type viewItem struct {
	label string
	obj   any
}

// lockWaits follows, from a traced lock's events, which processes wait.
type lockWaits struct {
	next  int               // the next event slot to read
	since map[int]time.Time // pid -> when its current wait began
	last  map[int]time.Time // pid -> time of its latest event
	kind  map[int]LockEventKind
}

// NewView returns a View of objs: processes ([*Process]) and shared
// objects ([*Lock], [*RLock], [*Value], [*Array], [*Queue], [*Semaphore],
// [*BoundedSemaphore], [*Event], [*Barrier], [*Condition]; anything else is
// shown with fmt.Sprint). A string names the object after it, as in
// NewView("lock A", a, "lock B", b); unnamed objects are named after their
// type ("Lock", "Value", "Lock 2").
func NewView(objs ...any) *View {
	v := &View{created: time.Now(), seq: regSeq(), waits: map[*Lock]*lockWaits{}}
	for _, e := range startedProcs() {
		// A process that has exited may not have been reaped yet: ask the
		// system whether it still runs.
		if e.seq <= v.seq && e.ended.IsZero() && shm.Alive(uint64(e.p.pid)) {
			v.before = append(v.before, e.p)
		}
	}
	label := ""
	count := map[string]int{}
	for _, o := range objs {
		switch o := o.(type) {
		case string:
			label = o
			continue
		case *Process:
			v.procs = append(v.procs, o)
			label = ""
			continue
		}
		if label == "" {
			kind := kindName(o)
			count[kind]++
			label = kind
			if n := count[kind]; n > 1 {
				label += " " + strconv.Itoa(n)
			}
		}
		v.items = append(v.items, viewItem{label, o})
		label = ""
	}
	return v
}

// kindName names the type of a shared object for a label.
func kindName(o any) string {
	switch o.(type) {
	case *Lock:
		return "Lock"
	case *RLock:
		return "RLock"
	case *Value:
		return "Value"
	case *Array:
		return "Array"
	case *Queue:
		return "Queue"
	case *Semaphore:
		return "Semaphore"
	case *BoundedSemaphore:
		return "BoundedSemaphore"
	case *Event:
		return "Event"
	case *Barrier:
		return "Barrier"
	case *Condition:
		return "Condition"
	case *Conn:
		return "Conn"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", o), "*")
}

// Processes returns the processes the view shows now: those given to
// NewView, then those running when it was made and those started since, in
// the order they started.
func (v *View) Processes() []*Process {
	out := append([]*Process(nil), v.procs...)
	seen := map[*Process]bool{}
	for _, p := range out {
		seen[p] = true
	}
	for _, p := range v.before {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, e := range startedProcs() {
		if e.seq > v.seq && !seen[e.p] {
			seen[e.p] = true
			out = append(out, e.p)
		}
	}
	return out
}

// OnEnd arranges for f to be called each time a process the view follows
// ends: synchronously, once the view draws it as ended and before
// [Process.Join] returns for it, so that a picture drawn by f reaches the
// notebook before the code waiting for the process goes on. It returns a
// function that stops the calls.
func (v *View) OnEnd(f func()) (stop func()) {
	return onProcessEnd(func(p *Process) {
		for _, q := range v.Processes() {
			if q == p {
				f()
				return
			}
		}
	})
}

// A viewState is what a View shows at one moment.
type viewState struct {
	procs    []procRow
	objects  []objRow
	deadlock []string // the wait-for cycle, when every process in it waits
	running  int      // how many processes still run
}

// status says how many processes run, or that all have ended; "" when
// there are none.
func (st viewState) status() string {
	switch {
	case len(st.procs) == 0:
		return ""
	case st.running > 0:
		return say("view.running.n", st.running)
	}
	return say("view.allEnded")
}

type procRow struct {
	name, pid, state, exit string
	class                  string // running, waiting, holding, done, failed, idle
}

type objRow struct {
	label, kind, now string
}

// lockState is who holds a lock and who waits for it.
type lockState struct {
	label   string
	holder  int
	waiters map[int]time.Time
}

// state takes a snapshot of everything the view shows.
func (v *View) state() viewState {
	var st viewState
	var locks []lockState
	for _, it := range v.items {
		row := objRow{label: it.label, kind: kindName(it.obj)}
		switch o := it.obj.(type) {
		case *Lock:
			ls := lockState{label: it.label, holder: o.Owner(), waiters: v.waiters(o)}
			locks = append(locks, ls)
			row.now = describeLock(ls)
		case *Value:
			row.kind += "('" + o.Typecode() + "')"
			row.now = o.String()
		case *Array:
			row.kind += fmt.Sprintf("('%s', %d)", o.Typecode(), o.Len())
			row.now = describeArray(o)
		case *Queue:
			if o.closed.Load() {
				row.now = say("view.closed")
			} else {
				row.now = say("view.items", o.Len())
			}
		case *Semaphore:
			row.now = say("view.semaphore", o.Count())
		case *BoundedSemaphore:
			row.now = say("view.semaphore", o.Count())
		case *Event:
			row.now = say("view.clear")
			if o.IsSet() {
				row.now = say("view.set")
			}
		case *Barrier:
			row.now = say("view.barrier", o.Waiting(), o.Parties())
			if o.Broken() {
				row.now = say("view.broken")
			}
		default:
			row.now = fmt.Sprint(o)
		}
		st.objects = append(st.objects, row)
	}
	for _, p := range v.Processes() {
		r := procRow{name: p.Name(), pid: "", exit: ""}
		pid := p.Pid()
		if pid != 0 {
			r.pid = strconv.Itoa(pid)
		}
		switch {
		case pid == 0:
			r.state, r.class = say("view.notStarted"), "idle"
		case !p.Exited():
			st.running++
			r.state, r.class = say("view.running"), "running"
			var holds, waits []string
			var since time.Time
			for _, l := range locks {
				if l.holder == pid {
					holds = append(holds, l.label)
				}
				if t, ok := l.waiters[pid]; ok {
					waits = append(waits, l.label)
					since = t
				}
			}
			if len(holds) > 0 {
				r.state, r.class = say("view.holds", strings.Join(holds, ", ")), "holding"
			}
			if len(waits) > 0 {
				w := say("view.waitsSince", strings.Join(waits, ", "), time.Since(since).Seconds())
				if len(holds) > 0 {
					r.state += say("view.then") + w
				} else {
					r.state = w
				}
				r.class = "waiting"
			}
		default:
			code := p.ExitCode()
			r.exit = strconv.Itoa(code)
			switch {
			case code == 0:
				r.state, r.class = say("view.finished"), "done"
			case code < 0:
				r.state, r.class = say("view.killed", signalName(-code)), "failed"
			default:
				r.state, r.class = say("view.failed"), "failed"
			}
		}
		st.procs = append(st.procs, r)
	}
	st.deadlock = deadlockCycle(locks)
	return st
}

// signalName names signal n, for instance "SIGKILL".
func signalName(n int) string {
	switch syscall.Signal(n) {
	case syscall.SIGKILL:
		return "SIGKILL"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGSEGV:
		return "SIGSEGV"
	case syscall.SIGABRT:
		return "SIGABRT"
	}
	return "signal " + strconv.Itoa(n)
}

// nameOf names the process with process id pid for a view.
func nameOf(pid int) string {
	if n := procName(pid); n != "" {
		return n + " (pid " + strconv.Itoa(pid) + ")"
	}
	return "pid " + strconv.Itoa(pid)
}

// describeLock says who holds a lock and who waits for it.
func describeLock(l lockState) string {
	s := say("view.free")
	if l.holder != 0 {
		s = say("view.heldBy", nameOf(l.holder))
	}
	if len(l.waiters) > 0 {
		var names []string
		for _, pid := range sortedPids(l.waiters) {
			names = append(names, nameOf(pid))
		}
		s += say("view.waiting", strings.Join(names, ", "))
	}
	return s
}

func sortedPids(m map[int]time.Time) []int {
	pids := make([]int, 0, len(m))
	for pid := range m {
		pids = append(pids, pid)
	}
	sort.Ints(pids)
	return pids
}

// maxShown is how many elements of an Array a view shows.
const maxShown = 32

// describeArray formats an Array's elements, the first maxShown of them.
func describeArray(a *Array) string {
	var xs []string
	n := a.Len()
	for i := 0; i < n && i < maxShown; i++ {
		if a.e.tc.float {
			xs = append(xs, strconv.FormatFloat(a.LoadFloat(i), 'g', -1, 64))
		} else {
			xs = append(xs, strconv.Itoa(a.Load(i)))
		}
	}
	s := "[" + strings.Join(xs, " ")
	if n > maxShown {
		s += " …"
	}
	return s + "]"
}

// waiters returns the processes waiting for l, with when each began,
// from the events of a traced lock; nil for one that is not traced.
func (v *View) waiters(l *Lock) map[int]time.Time {
	if l.trace == nil {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	w := v.waits[l]
	if w == nil {
		w = &lockWaits{since: map[int]time.Time{}, last: map[int]time.Time{}, kind: map[int]LockEventKind{}}
		v.waits[l] = w
	}
	events, _, complete := l.trace.events(w.next)
	for _, e := range events {
		if e.Time.Before(w.last[e.Pid]) {
			continue
		}
		w.last[e.Pid], w.kind[e.Pid] = e.Time, e.Kind
		if e.Kind == LockWaiting {
			w.since[e.Pid] = e.Time
		} else {
			delete(w.since, e.Pid)
		}
	}
	// Events past the first incomplete slot are read again next time;
	// reading one twice does no harm.
	w.next = max(w.next, complete)
	out := map[int]time.Time{}
	for pid, t := range w.since {
		if alive(pid) {
			out[pid] = t
		}
	}
	return out
}

// deadlockCycle returns a description of each step of a cycle of
// processes each waiting for a lock another one of them holds, or nil.
func deadlockCycle(locks []lockState) []string {
	// waitsFor: pid -> the lock it waits for (one is enough for a cycle).
	type edge struct {
		lock   string
		holder int
	}
	next := map[int]edge{}
	for _, l := range locks {
		if l.holder == 0 {
			continue
		}
		for pid := range l.waiters {
			if pid != l.holder {
				next[pid] = edge{l.label, l.holder}
			}
		}
	}
	for _, start := range pidsOf(next) {
		seen := map[int]bool{}
		pid := start
		for !seen[pid] {
			seen[pid] = true
			e, ok := next[pid]
			if !ok {
				break
			}
			pid = e.holder
		}
		if pid != start || !seen[start] {
			continue
		}
		if _, ok := next[pid]; !ok {
			continue
		}
		var steps []string
		for p := start; ; {
			e := next[p]
			steps = append(steps, say("view.waitsFor", nameOf(p), e.lock, nameOf(e.holder)))
			if p = e.holder; p == start {
				break
			}
		}
		return steps
	}
	return nil
}

func pidsOf[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// HTML draws the view as it is now: a table of the processes and one of
// the shared objects, in the language set with [SetLanguage].
func (v *View) HTML() string {
	st := v.state()
	var b strings.Builder
	b.WriteString(`<div class="gopherlab-view" style="font-family:sans-serif;font-size:13px">`)
	fmt.Fprintf(&b, `<div style="font-weight:bold;margin-bottom:4px">%s`, html.EscapeString(say("view.title")))
	if status := st.status(); status != "" {
		fmt.Fprintf(&b, ` <span style="font-weight:normal;color:#666">(%s)</span>`, html.EscapeString(status))
	}
	b.WriteString(`</div>`)
	cell := `<td style="padding:2px 10px;text-align:left">`
	head := `<th style="padding:2px 10px;text-align:left;border-bottom:1px solid #999">`
	if len(st.procs) > 0 {
		b.WriteString(`<table style="border-collapse:collapse;margin-bottom:6px">`)
		b.WriteString("<tr>" + head + html.EscapeString(say("view.process")) + "</th>" + head + "pid</th>" + head +
			html.EscapeString(say("view.state")) + "</th>" + head + html.EscapeString(say("view.exit")) + "</th></tr>")
		for _, p := range st.procs {
			fmt.Fprintf(&b, `<tr>%s%s</td>%s%s</td>%s<span style="%s">%s</span></td>%s%s</td></tr>`,
				cell, html.EscapeString(p.name), cell, p.pid, cell, stateStyle[p.class], html.EscapeString(p.state), cell, p.exit)
		}
		b.WriteString(`</table>`)
	} else {
		fmt.Fprintf(&b, `<div style="color:#666;margin-bottom:6px">%s</div>`, html.EscapeString(say("view.none")))
	}
	if len(st.objects) > 0 {
		b.WriteString(`<table style="border-collapse:collapse">`)
		b.WriteString("<tr>" + head + html.EscapeString(say("view.object")) + "</th>" + head + "</th>" + head +
			html.EscapeString(say("view.now")) + "</th></tr>")
		for _, o := range st.objects {
			fmt.Fprintf(&b, `<tr>%s<b>%s</b></td>%s<span style="color:#666">%s</span></td>%s<code>%s</code></td></tr>`,
				cell, html.EscapeString(o.label), cell, html.EscapeString(o.kind), cell, html.EscapeString(o.now))
		}
		b.WriteString(`</table>`)
	}
	if st.deadlock != nil {
		fmt.Fprintf(&b, `<div style="color:#b00;font-weight:bold;margin-top:6px">%s</div>`,
			html.EscapeString(say("view.deadlock", strings.Join(st.deadlock, say("view.then")))))
	}
	b.WriteString(`</div>`)
	return b.String()
}

var stateStyle = map[string]string{
	"running": "color:#1f5fa8",
	"holding": "color:#1d7a33;font-weight:bold",
	"waiting": "color:#b35c00;font-weight:bold",
	"done":    "color:#555",
	"failed":  "color:#b00;font-weight:bold",
	"idle":    "color:#888",
}

// String draws the view as text, as HTML does.
func (v *View) String() string {
	st := v.state()
	var b strings.Builder
	b.WriteString(say("view.title"))
	if status := st.status(); status != "" {
		b.WriteString(" (" + status + ")")
	}
	b.WriteByte('\n')
	if len(st.procs) == 0 {
		b.WriteString(say("view.none") + "\n")
	}
	for _, p := range st.procs {
		line := p.name
		if p.pid != "" {
			line += " (pid " + p.pid + ")"
		}
		line += ": " + p.state
		if p.exit != "" {
			line += say("view.sep") + say("view.exit") + " " + p.exit
		}
		b.WriteString(line + "\n")
	}
	for _, o := range st.objects {
		fmt.Fprintf(&b, "%s %s: %s\n", o.label, o.kind, o.now)
	}
	if st.deadlock != nil {
		b.WriteString(say("view.deadlock", strings.Join(st.deadlock, say("view.then"))) + "\n")
	}
	return b.String()
}
