package worker

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

var (
	_ mp.Namespace = (*Launcher)(nil)
	_ mp.Boxer     = (*Launcher)(nil)
)

// This file finds the notebook's variables in an interpreter, to read them
// in the kernel when a child starts and to set them in the child. yaegi
// v0.16.1 keeps the package-level variables of the main package in the
// slots of its global frame (Interpreter.frame.data), at the index of
// their symbol (Interpreter.scopes["main"].sym[name].index); reading them
// there costs nothing, where evaluating &name compiles an expression each
// time. The layout is not an API: it is checked at first use against
// Eval on a small interpreter, and Eval is used when the check fails.

// yaegiVarSym is yaegi v0.16.1's symbol kind of a variable (varSym).
const yaegiVarSym = 9

// unexported returns the field name of the struct v (addressable), usable
// despite being unexported.
func unexported(v reflect.Value, name string) (reflect.Value, bool) {
	f := v.FieldByName(name)
	if !f.IsValid() || !f.CanAddr() {
		return reflect.Value{}, false
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), true
}

var (
	frameOnce sync.Once
	frameOK   bool // the global frame's layout is the one expected
)

// frameVars returns, for each of names, the variable of that name of in's
// main package (addressable), read from the global frame; ok is false if
// the layout is not the expected one. A name that is not a variable gives
// an invalid Value.
func frameVars(in *interp.Interpreter, names []string) (vals []reflect.Value, ok bool) {
	frameOnce.Do(func() { frameOK = checkFrame() })
	if !frameOK {
		return nil, false
	}
	return readFrame(in, names)
}

// readFrame is frameVars without the check of the layout.
func readFrame(in *interp.Interpreter, names []string) (vals []reflect.Value, ok bool) {
	defer func() {
		if recover() != nil {
			vals, ok = nil, false
		}
	}()
	root := reflect.ValueOf(in).Elem()
	scopes, ok1 := unexported(root, "scopes")
	fr, ok2 := unexported(root, "frame")
	if !ok1 || !ok2 || scopes.Kind() != reflect.Map || fr.Kind() != reflect.Pointer || fr.IsNil() {
		return nil, false
	}
	sc := scopes.MapIndex(reflect.ValueOf("main"))
	if !sc.IsValid() || sc.IsNil() {
		return make([]reflect.Value, len(names)), true // nothing declared yet
	}
	syms, ok1 := unexported(sc.Elem(), "sym")
	data, ok2 := unexported(fr.Elem(), "data")
	mu, ok3 := unexported(fr.Elem(), "mutex")
	if !ok1 || !ok2 || !ok3 || data.Type() != reflect.TypeFor[[]reflect.Value]() {
		return nil, false
	}
	lock, ok := mu.Addr().Interface().(*sync.RWMutex)
	if !ok {
		return nil, false
	}
	lock.RLock()
	defer lock.RUnlock()
	vals = make([]reflect.Value, len(names))
	for i, name := range names {
		sym := syms.MapIndex(reflect.ValueOf(name))
		if !sym.IsValid() || sym.IsNil() {
			continue
		}
		kind, ok1 := unexported(sym.Elem(), "kind")
		index, ok2 := unexported(sym.Elem(), "index")
		if !ok1 || !ok2 || !kind.CanUint() || kind.Uint() != yaegiVarSym || !index.CanInt() {
			continue
		}
		j := int(index.Int())
		if j < 0 || j >= data.Len() {
			continue
		}
		v, isValue := data.Index(j).Interface().(reflect.Value)
		if isValue && v.IsValid() && v.CanAddr() {
			vals[i] = v
		}
	}
	return vals, true
}

// checkFrame checks frameVars against Eval on a small interpreter.
func checkFrame() (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	in := interp.New(interp.Options{})
	if _, err := in.Eval("var a, b = 1, \"two\"\ntype T struct{ x int }\nvar t T"); err != nil {
		return false
	}
	vals, ok := readFrame(in, []string{"a", "b", "t", "T"})
	if !ok || len(vals) != 4 || vals[3].IsValid() {
		return false
	}
	for i, name := range []string{"a", "b", "t"} {
		p, err := in.Eval("&" + name)
		if err != nil || !vals[i].IsValid() || vals[i].Addr().Pointer() != p.Pointer() {
			return false
		}
	}
	return true
}

// vars returns the variables names of in's main package, addressable;
// names that are not variables give an invalid Value.
func vars(in *interp.Interpreter, names []string) []reflect.Value {
	if vals, ok := frameVars(in, names); ok {
		return vals
	}
	vals := make([]reflect.Value, len(names))
	for i, name := range names {
		if p, err := in.Eval("&" + name); err == nil && p.Kind() == reflect.Pointer && !p.IsNil() {
			vals[i] = p.Elem()
		}
	}
	return vals
}

// nsState is what a Launcher's Namespace methods know of one version of
// the declarations.
type nsState struct {
	src     string
	graph   *declGraph
	reached map[string][]string     // target -> the variables it reaches
	names   map[reflect.Type]string // the notebook's struct types
	byName  map[string]reflect.Type
	boxes   map[string]reflect.Value // boxed interface values, by dynamic type
}

// ns returns the Namespace state for the current declarations; l.nsMu is
// held.
func (l *Launcher) nsLocked() *nsState {
	src := l.source()
	if l.nss == nil || l.nss.src != src {
		l.nss = &nsState{src: src, graph: parseDecls(src), reached: map[string][]string{}}
	}
	return l.nss
}

// Globals returns the notebook's variables that the function target
// (a name [Launcher.Name] returned) can reach, directly or through the
// functions and methods it may call, with the variables themselves, for
// mp.Process.Start to copy them to the child as they are now (Python's
// fork). Every method counts as reachable; a superset is harmless. target
// "" gives every variable. It implements [mp.Namespace].
func (l *Launcher) Globals(target string) ([]mp.Global, error) {
	if l.in == nil || strings.Contains(target, ".") {
		return nil, nil // no interpreter, or a function of a package
	}
	l.nsMu.Lock()
	st := l.nsLocked()
	names, ok := st.reached[target]
	if !ok {
		names = st.graph.reach(target)
		st.reached[target] = names
	}
	l.nsMu.Unlock()
	if len(names) == 0 {
		return nil, nil
	}
	vals := vars(l.in, names)
	globals := make([]mp.Global, 0, len(names))
	for i, v := range vals {
		if v.IsValid() {
			globals = append(globals, mp.Global{Name: names[i], Value: v})
		}
	}
	return globals, nil
}

// Vars returns, in a child, the notebook's variables of the given names,
// for mp to set them to the values the parent sent. It implements
// [mp.Namespace].
func (l *Launcher) Vars(names []string) ([]reflect.Value, error) {
	if l.in == nil {
		return nil, fmt.Errorf("worker: no interpreter to set %s in", strings.Join(names, ", "))
	}
	vals := vars(l.in, names)
	for i, v := range vals {
		if !v.IsValid() {
			return nil, fmt.Errorf("worker: the child has no variable %s (was the cell declaring it changed since?)", names[i])
		}
	}
	return vals, nil
}
