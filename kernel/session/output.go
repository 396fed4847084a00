package session

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"regexp"
	"runtime"
	"sync"
)

// router sends text to the Output of the running cell, or, between cells,
// to the last cell's Output.
type router struct {
	mu      sync.Mutex
	out     Output
	running bool
	owners  map[uint64]Output // goroutines cells started -> their cell's Output
	muted   Output            // the Output of a cell that called os.Exit, nil for none
}

// adopt attributes the calling goroutine's output to out until leave is
// called, so a goroutine that outlives its cell still writes into that cell.
func (r *router) adopt(out Output) (leave func()) {
	if out == nil {
		return func() {}
	}
	id := goid()
	r.mu.Lock()
	if r.owners == nil {
		r.owners = map[uint64]Output{}
	}
	r.owners[id] = out
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		delete(r.owners, id)
		r.mu.Unlock()
	}
}

// goid returns the id of the calling goroutine.
func goid() uint64 {
	var buf [40]byte
	n := runtime.Stack(buf[:], false)
	b := bytes.TrimPrefix(buf[:n], []byte("goroutine "))
	var id uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}

func (r *router) set(out Output, running bool) {
	r.mu.Lock()
	r.out, r.running = out, running
	if running {
		r.muted = nil
	}
	r.mu.Unlock()
}

// mute drops what is written to the running cell's Output from now on,
// until the next cell starts: the cell called os.Exit, after which a Go
// program writes nothing (its other goroutines may still run the deferred
// calls of compiled functions as they stop).
func (r *router) mute() {
	r.mu.Lock()
	r.muted = r.out
	r.mu.Unlock()
}

func (r *router) current() (Output, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.owners) > 0 {
		if out, ok := r.owners[goid()]; ok {
			return out, r.running
		}
	}
	return r.out, r.running
}

func (r *router) stream(name string, p []byte) {
	if out, _ := r.current(); out != nil && len(p) > 0 && !r.isMuted(out) {
		out.Stream(name, string(p))
	}
}

func (r *router) isMuted(out Output) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.muted != nil && reflect.TypeOf(out).Comparable() && r.muted == out
}

// streamWriter is an io.Writer onto one stream of a router.
type streamWriter struct {
	r    *router
	name string
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.r.stream(w.name, p)
	return len(p), nil
}

// panicLine matches the lines yaegi writes to the interpreter's stderr for
// each frame a panic unwinds: "LINE:COL: panic: main.f(...)".
var panicLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d+):(\d+): panic: (.*)\(\.\.\.\)\n?$`)
})

// frame is one function a panic went through, in yaegi's coordinates.
type frame struct {
	line, col int
	fn        string
}

// interpStderr is the interpreter's stderr: it keeps yaegi's panic frame
// lines out of the cell's output and collects them for the traceback.
type interpStderr struct {
	w      io.Writer
	mu     sync.Mutex
	frames []frame
}

func (e *interpStderr) Write(p []byte) (int, error) {
	if m := panicLine().FindSubmatch(p); m != nil {
		e.mu.Lock()
		e.frames = append(e.frames, frame{line: atoi(m[1]), col: atoi(m[2]), fn: string(m[3])})
		e.mu.Unlock()
		return len(p), nil
	}
	return e.w.Write(p)
}

// take returns and forgets the frames collected so far.
func (e *interpStderr) take() []frame {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.frames
	e.frames = nil
	return f
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}

// errNoInput is what reading stdin returns when the frontend cannot answer.
var errNoInput = errors.New("session: input is not available")

// stdin is the interpreter's standard input: each line is asked of the
// running cell's Output when it implements [Inputter].
type stdin struct {
	s   *Session
	mu  sync.Mutex
	buf bytes.Buffer
	// warned is the cell number for which the "no input" message was shown.
	warned int
}

func (in *stdin) Read(p []byte) (int, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.buf.Len() > 0 {
		return in.buf.Read(p)
	}
	out, running := in.s.route.current()
	asker, ok := out.(Inputter)
	if !running || !ok {
		cell := in.s.cellNumber()
		if in.warned != cell {
			in.warned = cell
			in.s.route.stream("stderr", []byte("input is not available: this frontend does not allow stdin (reading gets end of file)\n"))
		}
		return 0, io.EOF
	}
	in.s.inputs.Add(1)
	line, err := asker.Input("", false)
	in.s.inputs.Add(-1)
	if err != nil {
		return 0, io.EOF
	}
	in.buf.WriteString(line)
	in.buf.WriteByte('\n')
	return in.buf.Read(p)
}

// reset drops unread input at the start of a cell.
func (in *stdin) reset() {
	if in.mu.TryLock() {
		in.buf.Reset()
		in.mu.Unlock()
	}
}
