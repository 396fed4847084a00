package native

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// namespace is the mp.Namespace of a worker program: it sets the
// notebook's variables its parent sends (Vars), and names the notebook's
// types, compiled here, by the names the kernel's interpreter gives them,
// so that values cross between the interpreted kernel and the compiled
// worker by structure. Processes the worker starts are the same program.
type namespace struct {
	t     Table
	names map[reflect.Type]string
}

// NewNamespace returns the mp.Namespace of a worker program over t: it
// sets the notebook's variables a parent sends, names the notebook's types
// as the kernel's interpreter does, and starts this program again for the
// processes the worker starts. [Main] installs it.
func NewNamespace(t Table) mp.Namespace { return newNamespace(t) }

func newNamespace(t Table) *namespace {
	n := &namespace{t: t, names: map[reflect.Type]string{}}
	keys := make([]string, 0, len(t.Types))
	for k := range t.Types {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, dup := n.names[t.Types[k]]; !dup {
			n.names[t.Types[k]] = k
		}
	}
	return n
}

var _ mp.Namespace = (*namespace)(nil)

// Name names a function of the notebook for a child of this worker.
func (n *namespace) Name(target reflect.Value) (string, error) {
	for name, f := range n.t.Funcs {
		if v := reflect.ValueOf(f); v.Kind() == reflect.Func && target.Kind() == reflect.Func && v.Pointer() == target.Pointer() {
			return name, nil
		}
	}
	return "", errors.New("mp: the target of a Process must be a function declared at the top level of a cell, passed by its name")
}

// Command starts this worker program again.
func (n *namespace) Command() (*exec.Cmd, error) {
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{os.Args[0]}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd, nil
}

// Globals gives a child of this worker every variable of the notebook, as
// a fork would: the worker program does not know which ones a target uses.
func (n *namespace) Globals(string) ([]mp.Global, error) {
	names := make([]string, 0, len(n.t.Vars))
	for name := range n.t.Vars {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []mp.Global
	for _, name := range names {
		if v := reflect.ValueOf(n.t.Vars[name]); v.Kind() == reflect.Pointer && !v.IsNil() {
			out = append(out, mp.Global{Name: name, Value: v.Elem()})
		}
	}
	return out, nil
}

// Vars returns the variables of the given names.
func (n *namespace) Vars(names []string) ([]reflect.Value, error) {
	out := make([]reflect.Value, len(names))
	for i, name := range names {
		v := reflect.ValueOf(n.t.Vars[name])
		if v.Kind() != reflect.Pointer || v.IsNil() {
			return nil, fmt.Errorf("worker: the notebook has no variable %s (was the cell declaring it changed since?)", name)
		}
		out[i] = v.Elem()
	}
	return out, nil
}

// TypeName writes t as a type expression of the notebook, when it is a
// type the notebook declared or is made of one.
func (n *namespace) TypeName(t reflect.Type) (string, bool) {
	return TypeExpr(t, n.names)
}

// TypeExpr writes t as a type expression of a notebook whose declared
// types are names ("*Point", "[]Point", "[3]Point", "map[string]Point"),
// when t is one of them or made of them; map keys may also be predeclared
// types. The compiled and the interpreted worker write alike.
func TypeExpr(t reflect.Type, names map[reflect.Type]string) (string, bool) {
	if name, ok := names[t]; ok {
		return name, true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		e, ok := TypeExpr(t.Elem(), names)
		if !ok {
			return "", false
		}
		switch t.Kind() {
		case reflect.Pointer:
			return "*" + e, true
		case reflect.Slice:
			return "[]" + e, true
		}
		return "[" + strconv.Itoa(t.Len()) + "]" + e, true
	case reflect.Map:
		e, ok := TypeExpr(t.Elem(), names)
		k, kok := TypeExpr(t.Key(), names)
		if !kok && t.Key().PkgPath() == "" && t.Key().Name() != "" {
			k, kok = t.Key().Name(), true // predeclared
		}
		if ok && kok {
			return "map[" + k + "]" + e, true
		}
	}
	return "", false
}

// predeclared are the types a map key of a notebook's type expression may
// name without the notebook declaring them.
var predeclared = func() map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for _, v := range []any{false, 0, int8(0), int16(0), int32(0), int64(0), uint(0), uint8(0), uint16(0),
		uint32(0), uint64(0), uintptr(0), float32(0), float64(0), complex64(0), complex128(0), ""} {
		m[reflect.TypeOf(v).Name()] = reflect.TypeOf(v)
	}
	m["byte"], m["rune"] = m["uint8"], m["int32"]
	return m
}()

// TypeByName returns the type a name TypeName wrote denotes here.
func (n *namespace) TypeByName(name string) (reflect.Type, bool) {
	if t, ok := n.t.Types[name]; ok {
		return t, true
	}
	switch {
	case strings.HasPrefix(name, "*"):
		if e, ok := n.TypeByName(name[1:]); ok {
			return reflect.PointerTo(e), true
		}
	case strings.HasPrefix(name, "[]"):
		if e, ok := n.TypeByName(name[2:]); ok {
			return reflect.SliceOf(e), true
		}
	case strings.HasPrefix(name, "map["):
		depth := 0
		for i := 3; i < len(name); i++ {
			switch name[i] {
			case '[':
				depth++
			case ']':
				if depth--; depth == 0 {
					k, ok := n.TypeByName(name[4:i])
					if !ok {
						k, ok = predeclared[name[4:i]]
					}
					e, eok := n.TypeByName(name[i+1:])
					if ok && eok && k.Comparable() {
						return reflect.MapOf(k, e), true
					}
					return nil, false
				}
			}
		}
	case strings.HasPrefix(name, "["):
		if end := strings.IndexByte(name, ']'); end > 0 {
			if l, err := strconv.Atoi(name[1:end]); err == nil && l >= 0 {
				if e, ok := n.TypeByName(name[end+1:]); ok {
					return reflect.ArrayOf(l, e), true
				}
			}
		}
	}
	return nil, false
}
