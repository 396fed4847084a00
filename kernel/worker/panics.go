package worker

import (
	"fmt"
	"log"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/session/fmtshim"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

// This file makes a child report its end as a Go program would: os.Exit(n)
// exits with n, log.Fatal with 1, and a panic prints Go's "panic: ..."
// with the notebook's functions and their cells' lines, without the
// interpreter's frames or any path of the machine, then the process's
// name.

// exits returns the real os.Exit and log.Fatal for the packages of paths
// that the declarations import: yaegi's standard library turns them into
// panics, so that a script cannot end the program that embeds it; a child
// is its own program.
func exits(paths map[string][]string) interp.Exports {
	use := interp.Exports{}
	if paths["os"] != nil {
		use["os/os"] = map[string]reflect.Value{"Exit": reflect.ValueOf(os.Exit)}
	}
	if paths["log"] != nil {
		use["log/log"] = map[string]reflect.Value{
			"Fatal":   reflect.ValueOf(log.Fatal),
			"Fatalf":  reflect.ValueOf(log.Fatalf),
			"Fatalln": reflect.ValueOf(log.Fatalln),
		}
	}
	return use
}

// panicFrame is one function a panic went through, as yaegi reports it.
type panicFrame struct {
	fn, where string // "main.show", "cell[2]:3" (or "" without a //line position)
}

// panicLines is the interpreter's stderr in a child: it keeps the lines
// yaegi writes for each frame a panic unwinds ("POS: panic: main.f(...)")
// for Trace, and passes the rest to os.Stderr.
var panicLines = &frameCollector{}

type frameCollector struct {
	mu     sync.Mutex
	frames []panicFrame
	lines  lineMap // of the declarations, which hide their //line directives
}

// setLines sets the line marks of the declarations the interpreter runs.
func (c *frameCollector) setLines(m lineMap) {
	c.mu.Lock()
	c.lines = m
	c.mu.Unlock()
}

// panicLine matches yaegi's line for a frame: its position (FILE:LINE:COL,
// or LINE:COL in a source without //line directives), then the function.
var panicLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:([^\d:][^:]*):)?(\d+)(?::\d+)?: panic: (.*)\(\.\.\.\)\n?$`)
})

func (c *frameCollector) Write(p []byte) (int, error) {
	m := panicLine().FindSubmatch(p)
	if m == nil {
		return os.Stderr.Write(p)
	}
	f := panicFrame{fn: string(m[3])}
	c.mu.Lock()
	if file := string(m[1]); strings.HasPrefix(file, "cell[") {
		f.where = file + ":" + string(m[2])
	} else if file == "" {
		f.where = c.lines.where(atoi(m[2]))
	}
	c.frames = append(c.frames, f)
	c.mu.Unlock()
	return len(p), nil
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}

// take returns the frames collected so far and forgets them.
func (c *frameCollector) take() []panicFrame {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.frames
	c.frames = nil
	return f
}

// Trace describes a panic of the target that recovered holds: the message
// as Go's runtime prints it, and the stack of the notebook's functions it
// went through, with the lines of their cells. mp prints them when a
// target panics.
func (l *Launcher) Trace(recovered any) (msg, stack string) {
	return panicText(recovered), formatFrames(1, panicLines.take())
}

// formatFrames writes frames as Go's traceback of goroutine g.
func formatFrames(g int, frames []panicFrame) string {
	var b strings.Builder
	fmt.Fprintf(&b, "goroutine %d [running]:\n", g)
	for _, f := range frames {
		if strings.HasPrefix(f.fn, "main.__lower_") || strings.HasPrefix(f.fn, "main.gopherlab") {
			continue // helpers of the kernel
		}
		name := f.fn
		if strings.HasSuffix(name, ".func") {
			name += "1" // a function literal, as Go names the first of a function
		}
		b.WriteString(name + "(...)\n")
		if f.where != "" {
			b.WriteString("\t" + f.where + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

var _ mp.Tracer = (*Launcher)(nil)

// panicText prints a panic value as Go's runtime does.
func panicText(r any) string {
	if rv, ok := r.(reflect.Value); ok {
		if !rv.IsValid() || !rv.CanInterface() {
			return "nil"
		}
		r = rv.Interface()
	}
	switch v := r.(type) {
	case nil:
		return "nil"
	case error:
		return runtimeMessage(v.Error())
	case fmt.Stringer:
		return v.String()
	case string:
		return runtimeMessage(v)
	}
	rv := reflect.ValueOf(r)
	if rv.Kind() == reflect.Struct && rv.Type().Name() == yaegiBoxName && rv.Type().PkgPath() == yaegiPkg {
		var l Launcher
		if dyn, _, ok := l.Unbox(rv); ok && dyn.CanInterface() {
			return panicText(dyn.Interface())
		}
	}
	return fmt.Sprintf("%v", r)
}

// runtimeMessage words yaegi's reflect panics as Go's runtime errors.
func runtimeMessage(msg string) string { return fmtshim.RuntimeMessage(msg) }

// goroutines counts the goroutines go statements started, to number them
// in tracebacks as Go does (the target runs in goroutine 1).
var goroutines struct {
	mu sync.Mutex
	n  int
}

// goCall runs f(args...) in a new goroutine, for a go statement of the
// declarations (see goStatements); with spread, the last argument is the
// slice passed as f's variadic parameter. A panic in the goroutine ends
// the process as in a Go program, with exit status 1 (a panicking target's
// status in package mp) and Go's report.
func goCall(spread bool, f any, args ...any) {
	fn := reflect.ValueOf(f)
	if !fn.IsValid() || fn.Kind() != reflect.Func {
		panic(fmt.Sprintf("go of a non-function %T", f))
	}
	if fn.IsNil() {
		panic("runtime error: invalid memory address or nil pointer dereference")
	}
	ft := fn.Type()
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		pt := mpParam(ft, i, spread)
		if a == nil {
			in[i] = reflect.Zero(pt)
			continue
		}
		v := reflect.ValueOf(a)
		if v.Type() != pt && v.Type().ConvertibleTo(pt) {
			v = v.Convert(pt)
		}
		in[i] = v
	}
	goroutines.mu.Lock()
	goroutines.n++
	g := goroutines.n + 1
	goroutines.mu.Unlock()
	go func() {
		defer func() {
			if r := recover(); r != nil {
				reportGoroutinePanic(g, r)
			}
		}()
		if spread {
			fn.CallSlice(in)
		} else {
			fn.Call(in)
		}
	}()
}

// mpParam returns the type of the i'th argument of a call of a function of
// type ft.
func mpParam(ft reflect.Type, i int, spread bool) reflect.Type {
	if ft.IsVariadic() && !spread && i >= ft.NumIn()-1 {
		return ft.In(ft.NumIn() - 1).Elem()
	}
	if i < ft.NumIn() {
		return ft.In(i)
	}
	return reflect.TypeOf((*any)(nil)).Elem()
}

// reportGoroutinePanic prints the panic of goroutine g as Go does and ends
// the process.
func reportGoroutinePanic(g int, r any) {
	fmt.Fprintf(os.Stderr, "panic: %s\n\n%s\n[in process %s]\n", panicText(r), formatFrames(g, panicLines.take()), mp.CurrentProcess().Name())
	os.Exit(1)
}
