package session

import (
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// This file reaches into unexported state of yaegi v0.16.1 (the version is
// pinned in go.mod). yaegi keeps a stale type when a type is declared again
// and refuses to import a name twice; removing the old symbol from the main
// scope before evaluating the new declaration gives Go-like redefinition.

// unexported returns an addressable, settable view of the unexported field
// name of the struct v.
func unexported(v reflect.Value, name string) (reflect.Value, bool) {
	f := v.FieldByName(name)
	if !f.IsValid() || !f.CanAddr() {
		return reflect.Value{}, false
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), true
}

// mainSyms returns the symbol table of the interpreter's main package.
func mainSyms(in *interp.Interpreter) (reflect.Value, bool) {
	scopes, ok := unexported(reflect.ValueOf(in).Elem(), "scopes")
	if !ok || scopes.Kind() != reflect.Map {
		return reflect.Value{}, false
	}
	sc := scopes.MapIndex(reflect.ValueOf("main"))
	if !sc.IsValid() || sc.IsNil() {
		return reflect.Value{}, false
	}
	sym, ok := unexported(sc.Elem(), "sym")
	if !ok || sym.Kind() != reflect.Map {
		return reflect.Value{}, false
	}
	return sym, true
}

// forget removes names from the main package scope of in, so that they can
// be declared again. Import names are keyed "name/_.go" in yaegi.
func forget(in *interp.Interpreter, names ...string) {
	sym, ok := mainSyms(in)
	if !ok {
		return
	}
	for _, n := range names {
		sym.SetMapIndex(reflect.ValueOf(n), reflect.Value{})
	}
}

// hasSym reports whether name is declared in the main package scope.
func hasSym(in *interp.Interpreter, name string) bool {
	sym, ok := mainSyms(in)
	if !ok {
		return false
	}
	return sym.MapIndex(reflect.ValueOf(name)).IsValid()
}

// setSpecialStdio makes os.Stdin, os.Stdout and os.Stderr of interpreted
// code be the interpreter's streams even though they are not files (yaegi
// reads this option only from the YAEGI_SPECIAL_STDIO environment variable).
// It must be called before the standard library is loaded with Use.
func setSpecialStdio(in *interp.Interpreter) {
	opt, ok := unexported(reflect.ValueOf(in).Elem(), "opt")
	if !ok {
		return
	}
	if f, ok := unexported(opt, "specialStdio"); ok && f.Kind() == reflect.Bool {
		f.SetBool(true)
	}
}

// stopper reproduces what interp.EvalWithContext does around an
// evaluation, so that the session can wait for an interrupted evaluation
// to actually end (EvalWithContext returns at once and leaves it running,
// and nothing orders it before the next evaluation).
type stopper struct {
	id         *uint64
	done       *chan struct{}
	cancelChan *bool
	mutex      *sync.RWMutex
}

// newStopper finds the fields of in it needs; ok is false if yaegi's
// layout is not the expected one.
func newStopper(in *interp.Interpreter) (st stopper, ok bool) {
	v := reflect.ValueOf(in).Elem()
	id, ok1 := unexported(v, "id")
	done, ok2 := unexported(v, "done")
	cc, ok3 := unexported(v, "cancelChan")
	mu, ok4 := unexported(v, "mutex")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return st, false
	}
	st.id, ok1 = id.Addr().Interface().(*uint64)
	st.done, ok2 = done.Addr().Interface().(*chan struct{})
	st.cancelChan, ok3 = cc.Addr().Interface().(*bool)
	st.mutex, ok4 = mu.Addr().Interface().(*sync.RWMutex)
	return st, ok1 && ok2 && ok3 && ok4
}

// arm prepares a new cancellable evaluation and returns its stop function.
// Stop may be called more than once: an evaluation still compiling when
// stop is first called takes the run id afresh when it starts running, so
// the caller stops it again until it ends.
func (st stopper) arm() (stop func()) {
	st.mutex.Lock()
	done := make(chan struct{})
	*st.done = done
	*st.cancelChan = true
	st.mutex.Unlock()
	var once sync.Once
	return func() {
		atomic.AddUint64(st.id, 1)
		once.Do(func() { close(done) })
	}
}
