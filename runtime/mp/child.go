package mp

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// spec is what a parent sends a child: the target, its arguments, the
// variables the target uses as they were at Start (Globals: a count, the
// names, then each value copied), the shared objects among all those
// (their files travel with the spec, in order), notes about what could not
// be copied, and the process's name.
type spec struct {
	Target  targetRef
	Name    string
	Daemon  bool
	Args    []argSpec
	Shares  []shareSpec
	Globals []byte
	Notes   []string
	Bulk    bool // the last file is the bulk file of large slices of numbers
}

// report is what a child sends its parent.
type report struct {
	Kind string // reportReady, reportStarted, reportError, reportPanic, reportFailed
	Msg  string
}

const (
	reportReady   = "ready"   // the child waits for its spec
	reportStarted = "started" // the target is about to run
	reportError   = "error"   // the target could not be set up: Msg says why
	reportPanic   = "panic"   // the target panicked with Msg
	reportFailed  = "failed"  // the target returned the error Msg
)

// Exit codes of a child that did not run its target to the end.
const (
	exitPanic = 1 // the target panicked or returned an error
	exitSetup = 2 // the target or its arguments could not be set up
)

var (
	childMu     sync.Mutex
	childLookup func(string) (reflect.Value, error)
	self        = &Process{name: "MainProcess", pid: os.Getpid(), current: true}
)

// Main runs the target of a child process and exits when the program was
// started as an mp child by [Process.Start]; otherwise it returns at once.
// Every program that starts processes with the default launcher must call
// it first thing in main, before anything with side effects, because a
// child is a new run of the same program:
//
//	func main() {
//		mp.Main()
//		...
//	}
//
// Tests that start processes call it in TestMain:
//
//	func TestMain(m *testing.M) {
//		mp.Main()
//		os.Exit(m.Run())
//	}
//
// A child that never calls Main exits as soon as its main returns (or when
// it tries to start a process itself), and the parent's Start reports it.
// Functions run as targets need no registration.
func Main() { RunChild(nil) }

// IsChild reports whether this process was started as an mp child and has
// not yet read its spec (that is, [Main] or [RunChild] has yet to run).
func IsChild() bool { return os.Getenv(ChildEnv) != "" }

// RunChild is the child side of [Process.Start]: when the process was
// started as an mp child ([ChildEnv] is set), it reads the spec from its
// parent, finds the target, rebuilds the arguments (copies of values, and
// shared objects over the parent's memory), runs the target and exits: with
// status 0 when the target returns, 1 when it panics (the panic and stack
// are printed to stderr, as Go does) or returns a non-nil error, 2 when the
// target cannot be found. It does not return in a child; otherwise it
// returns at once.
//
// lookup finds targets named by a custom [Launcher]'s Name method; compiled
// targets of the default launcher need none (pass nil). lookup is also
// used for the functions a [Pool] maps.
func RunChild(lookup func(name string) (reflect.Value, error)) {
	v := os.Getenv(ChildEnv)
	if v == "" {
		return
	}
	os.Unsetenv(ChildEnv)
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		fmt.Fprintf(os.Stderr, "mp: bad %s=%q\n", ChildEnv, v)
		os.Exit(exitSetup)
	}
	unix.CloseOnExec(fd)
	childMu.Lock()
	childLookup = lookup
	childMu.Unlock()
	c := newConn(os.NewFile(uintptr(fd), "mp-parent"))
	sendReport(c, reportReady, "")
	payload, files, err := c.recv(time.Time{})
	if err != nil {
		// The parent dropped a pre-started child, or died.
		os.Exit(exitSetup)
	}
	os.Exit(runSpec(c, payload, files))
}

func sendReport(c *conn, kind, msg string) {
	r := report{Kind: kind, Msg: msg}
	c.send(r.marshal(), nil, time.Now().Add(time.Second))
}

// runSpec runs the target a spec names and returns the exit status.
func runSpec(c *conn, payload []byte, files []*os.File) (code int) {
	var s spec
	if err := s.unmarshal(payload); err != nil {
		closeFiles(files)
		sendReport(c, reportError, "mp: child cannot decode its spec: "+err.Error())
		return exitSetup
	}
	fn, err := resolveTarget(s.Target)
	if err != nil {
		closeFiles(files)
		sendReport(c, reportError, err.Error())
		return exitSetup
	}
	r := newValueDecoder(nil, currentNamespace())
	if s.Bulk {
		if len(files) == 0 {
			sendReport(c, reportError, "mp: child's bulk file is missing")
			return exitSetup
		}
		r.bulk, err = mapBulk(files[len(files)-1])
		files = files[:len(files)-1]
		if err != nil {
			closeFiles(files)
			sendReport(c, reportError, err.Error())
			return exitSetup
		}
	}
	if r.shares, err = openShares(s.Shares, files); err != nil {
		sendReport(c, reportError, err.Error())
		return exitSetup
	}
	args, err := decodeArgsWith(r, shortName(s.Target.Name), fn.Type(), s.Args)
	if err == nil {
		err = setGlobals(r, s.Globals)
	}
	if err != nil {
		sendReport(c, reportError, err.Error())
		return exitSetup
	}
	for _, note := range s.Notes {
		fmt.Fprintln(os.Stderr, note)
	}
	self.name = s.Name
	self.daemon = s.Daemon
	// Leave when the parent goes away, even if Pdeathsig was missed.
	go func() {
		for {
			if _, fs, err := c.recv(time.Time{}); err != nil {
				os.Exit(exitPanic)
			} else {
				closeFiles(fs)
			}
		}
	}()
	sendReport(c, reportStarted, "")
	defer func() {
		if r := recover(); r != nil {
			var msg, stack string
			if t, ok := currentLauncher().(Tracer); ok {
				msg, stack = t.Trace(r)
			} else {
				msg, stack = panicMessage(r), panicStack()
			}
			fmt.Fprintf(os.Stderr, "panic: %s\n\n%s\n[in process %s]\n", msg, strings.TrimSuffix(stack, "\n"), s.Name)
			sendReport(c, reportPanic, msg)
			code = exitPanic
		}
	}()
	out := fn.Call(args)
	if n := len(out); n > 0 && fn.Type().Out(n-1) == errorType && !out[n-1].IsNil() {
		msg := out[n-1].Interface().(error).Error()
		fmt.Fprintf(os.Stderr, "mp: %s: %s returned an error: %s\n", s.Name, shortName(s.Target.Name), msg)
		sendReport(c, reportFailed, msg)
		return exitPanic
	}
	return 0
}

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// mapBulk maps the bulk file f of a spec, copy-on-write, and closes f. The
// mapping lives as long as the process: slices of the target's arguments
// and variables use it.
func mapBulk(f *os.File) ([]byte, error) {
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return nil, fmt.Errorf("mp: child cannot read its bulk file: %w", err)
	}
	if st.Size == 0 {
		return nil, nil
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(st.Size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE)
	if err != nil {
		return nil, fmt.Errorf("mp: child cannot map its bulk file: %w", err)
	}
	return b, nil
}

// setGlobals sets the variables the parent sent (spec.Globals) to the
// values they had in the parent, with r, which holds the shared objects.
func setGlobals(r *valueDecoder, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	r.d = decoder{b: data}
	n := r.d.len()
	names := make([]string, 0, n)
	for i := 0; i < n && r.d.err == nil; i++ {
		names = append(names, r.d.string())
	}
	if r.d.err != nil {
		return fmt.Errorf("mp: child cannot decode the variables it was sent: %w", r.d.err)
	}
	ns := currentNamespace()
	if ns == nil {
		return fmt.Errorf("mp: the parent sent variables (%s), but this child has no Namespace to set them in", strings.Join(names, ", "))
	}
	vars, err := ns.Vars(names)
	if err != nil {
		return err
	}
	if len(vars) != len(names) {
		return fmt.Errorf("mp: Namespace.Vars returned %d variables for %d names", len(vars), len(names))
	}
	for i, name := range names {
		if err := r.global(name, vars[i]); err != nil {
			return err
		}
	}
	return r.d.done()
}

// panicMessage returns a panic value as Go's runtime prints it.
func panicMessage(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(r)
}

// panicStack returns the stack of a panicking target, from the panic to
// the target, without the frames of mp, reflect and the runtime. It is
// called by the deferred function that recovered.
func panicStack() string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	var b strings.Builder
	b.WriteString("goroutine 1 [running]:\n")
	inPanic := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			inPanic = true
		case strings.HasPrefix(f.Function, "reflect."):
			return b.String()
		case inPanic && !strings.HasPrefix(f.Function, "runtime."):
			fmt.Fprintf(&b, "%s(...)\n\t%s:%d\n", f.Function, f.File, f.Line)
		}
		if !more {
			return b.String()
		}
	}
}

// resolveTarget finds the function a targetRef names.
func resolveTarget(ref targetRef) (reflect.Value, error) {
	switch {
	case ref.Builtin != "":
		if f, ok := builtins[ref.Builtin]; ok {
			return reflect.ValueOf(f), nil
		}
		return reflect.Value{}, fmt.Errorf("mp: unknown built-in target %q", ref.Builtin)
	case ref.Lookup:
		childMu.Lock()
		lookup := childLookup
		childMu.Unlock()
		if lookup == nil {
			return reflect.Value{}, fmt.Errorf("mp: child cannot find %s: the parent used a custom launcher, but this child called mp.Main, not mp.RunChild with a lookup function", ref.Name)
		}
		v, err := lookup(ref.Name)
		if err != nil {
			return reflect.Value{}, err
		}
		if v.Kind() != reflect.Func {
			return reflect.Value{}, fmt.Errorf("mp: child found %s, but it is a %s, not a function", ref.Name, v.Kind())
		}
		return v, nil
	default:
		return resolveCompiled(ref)
	}
}

// builtins are the targets package mp runs itself.
var builtins = map[string]any{}

func shortName(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			name = name[i+1:]
			break
		}
	}
	return name
}

// errNoMain explains a child that exited without reading its spec.
var errNoMain = errors.New("a program that starts processes must call mp.Main() first thing in main (in tests: in TestMain), so that its children run their target instead of the whole program")
