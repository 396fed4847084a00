package worker

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/worker/native"
)

// This file names the notebook's types for runtime/mp, so that values of
// them cross between the kernel and its workers inside interface values
// (Queue items, []any, fields of interface type). yaegi builds a struct
// type declared in a cell as an unnamed reflect.StructOf type, the same in
// every process that evaluates the declaration; its name is found by
// evaluating (*Name)(nil) in the interpreter.

// structTypes returns the notebook's struct types (unnamed in reflect) by
// their names; the first declared wins for two of the same structure.
func structTypes(l *Launcher, names []string) map[reflect.Type]string {
	m := map[reflect.Type]string{}
	for _, name := range names {
		v, err := l.in.Eval("(*" + name + ")(nil)")
		if err != nil || v.Kind() != reflect.Pointer {
			continue
		}
		t := v.Type().Elem()
		if _, dup := m[t]; !dup && t.Kind() == reflect.Struct && t.Name() == "" {
			m[t] = name
		}
	}
	return m
}

// TypeName returns the name of t when it is a struct type the notebook
// declared, or is made of one ("*Point", "[]Point", "map[string]Point"). It
// implements [mp.Namespace].
func (l *Launcher) TypeName(t reflect.Type) (string, bool) {
	if l.in == nil {
		return "", false
	}
	l.nsMu.Lock()
	st := l.nsLocked()
	if st.names == nil {
		st.names = structTypes(l, st.graph.types)
	}
	names := st.names
	l.nsMu.Unlock()
	return native.TypeExpr(t, names)
}

// TypeByName returns the type the notebook's type expression name (as
// TypeName wrote it) denotes in this process. It implements
// [mp.Namespace].
func (l *Launcher) TypeByName(name string) (reflect.Type, bool) {
	if l.in == nil {
		return nil, false
	}
	l.nsMu.Lock()
	defer l.nsMu.Unlock()
	st := l.nsLocked()
	if t, ok := st.byName[name]; ok {
		return t, t != nil
	}
	var t reflect.Type
	if v, err := l.in.Eval("(*" + name + ")(nil)"); err == nil && v.Kind() == reflect.Pointer {
		t = v.Type().Elem()
	}
	if st.byName == nil {
		st.byName = map[string]reflect.Type{}
	}
	st.byName[name] = t
	return t, t != nil
}

// varType returns a function giving the type of a variable of the
// declarations src from its value in the interpreter, written as src can
// write it, or "": Lower's fallback when go/types does not know it.
func (l *Launcher) varType(src string) func(name string) string {
	if l.in == nil {
		return nil
	}
	names := map[string]string{} // import path -> name
	for p, ns := range imports(src) {
		if len(ns) > 0 {
			names[p] = ns[0]
		}
	}
	return func(name string) string {
		v := vars(l.in, []string{name})[0]
		if !v.IsValid() {
			return ""
		}
		return l.typeExpr(v.Type(), names, 0)
	}
}

// typeExpr writes t as a type expression of the notebook, whose imports
// are names (path to name), or returns "".
func (l *Launcher) typeExpr(t reflect.Type, names map[string]string, depth int) string {
	if depth > 20 {
		return ""
	}
	if n, ok := l.TypeName(t); ok {
		return n
	}
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name()
		}
		if n := names[t.PkgPath()]; n != "" && n != "_" && n != "." {
			return n + "." + t.Name()
		}
		return ""
	}
	elem := func(prefix string, e reflect.Type) string {
		if s := l.typeExpr(e, names, depth+1); s != "" {
			return prefix + s
		}
		return ""
	}
	switch t.Kind() {
	case reflect.Pointer:
		return elem("*", t.Elem())
	case reflect.Slice:
		return elem("[]", t.Elem())
	case reflect.Array:
		return elem(fmt.Sprintf("[%d]", t.Len()), t.Elem())
	case reflect.Chan:
		return elem("chan ", t.Elem())
	case reflect.Map:
		if k := l.typeExpr(t.Key(), names, depth+1); k != "" {
			return elem("map["+k+"]", t.Elem())
		}
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any"
		}
	case reflect.Func:
		var in, out []string
		for i := 0; i < t.NumIn(); i++ {
			p := t.In(i)
			prefix := ""
			if t.IsVariadic() && i == t.NumIn()-1 {
				p, prefix = p.Elem(), "..."
			}
			s := l.typeExpr(p, names, depth+1)
			if s == "" {
				return ""
			}
			in = append(in, prefix+s)
		}
		for i := 0; i < t.NumOut(); i++ {
			s := l.typeExpr(t.Out(i), names, depth+1)
			if s == "" {
				return ""
			}
			out = append(out, s)
		}
		s := "func(" + strings.Join(in, ", ") + ")"
		switch len(out) {
		case 0:
		case 1:
			s += " " + out[0]
		default:
			s += " (" + strings.Join(out, ", ") + ")"
		}
		return s
	}
	return ""
}

// Lookup returns the top-level function name of the notebook, for mp to
// rebuild a function value received from a child.
func (l *Launcher) Lookup(name string) (reflect.Value, error) {
	if l.in == nil {
		return reflect.Value{}, errors.New("worker: no interpreter")
	}
	v, err := l.in.Eval(name)
	if err != nil || v.Kind() != reflect.Func {
		return reflect.Value{}, fmt.Errorf("worker: %s is not a function of the notebook", name)
	}
	return v, nil
}

// yaegi v0.16.1 keeps a value of an interface type the notebook declares
// (type Shape interface{ Area() float64 }) as a struct of its own,
// valueInterface{node *node; value reflect.Value}: the node's type is the
// dynamic type, which the interpreter's method calls need. The methods
// below implement [mp.Boxer] with it.

const (
	yaegiPkg     = "github.com/traefik/yaegi/interp"
	yaegiBoxName = "valueInterface"
)

// Boxed reports whether t is yaegi's representation of an interface value.
func (l *Launcher) Boxed(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.Name() == yaegiBoxName && t.PkgPath() == yaegiPkg
}

// Unbox returns the dynamic value of v, one of yaegi's interface values,
// and the name of its type, or ok false when v is nil.
func (l *Launcher) Unbox(v reflect.Value) (dyn reflect.Value, name string, ok bool) {
	defer func() {
		if recover() != nil {
			dyn, name, ok = reflect.Value{}, "", false
		}
	}()
	for depth := 0; depth < 8; depth++ {
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		val, ok1 := unexported(c, "value")
		node, ok2 := unexported(c, "node")
		if !ok1 || !ok2 {
			return reflect.Value{}, "", false
		}
		dyn, _ = val.Interface().(reflect.Value)
		if !dyn.IsValid() {
			return reflect.Value{}, "", false
		}
		if dyn.Kind() == reflect.Interface {
			if dyn.IsNil() {
				return reflect.Value{}, "", false
			}
			dyn = dyn.Elem()
		}
		if l.Boxed(dyn.Type()) {
			v = dyn // an interface value holding another
			continue
		}
		return dyn, itypeName(node, dyn.Type()), true
	}
	return reflect.Value{}, "", false
}

// itypeName returns the notebook's name of the type of a valueInterface's
// node (yaegi's itype: name, and val for a pointer), for a dynamic value
// of type t, or "" if it has none.
func itypeName(node reflect.Value, t reflect.Type) string {
	if node.Kind() != reflect.Pointer || node.IsNil() {
		return ""
	}
	typ, ok := unexported(node.Elem(), "typ")
	if !ok || typ.Kind() != reflect.Pointer || typ.IsNil() {
		return ""
	}
	prefix := ""
	if t.Kind() == reflect.Pointer {
		if name, ok := unexported(typ.Elem(), "name"); ok && name.String() == "" {
			val, ok := unexported(typ.Elem(), "val")
			if !ok || val.Kind() != reflect.Pointer || val.IsNil() {
				return ""
			}
			typ, prefix = val, "*"
		}
	}
	name, ok1 := unexported(typ.Elem(), "name")
	path, ok2 := unexported(typ.Elem(), "path")
	if !ok1 || !ok2 || name.String() == "" || path.String() != "main" && path.String() != "" {
		return ""
	}
	return prefix + name.String()
}

// Box returns one of yaegi's interface values, of type t, holding dyn,
// whose type the notebook names name. It makes the first one of each
// dynamic type by evaluating an assignment to an interface variable, then
// copies it with another value.
func (l *Launcher) Box(t reflect.Type, dyn reflect.Value, name string) (reflect.Value, error) {
	if l.in == nil {
		return reflect.Value{}, errors.New("worker: no interpreter")
	}
	if name == "" {
		return reflect.Value{}, fmt.Errorf("worker: the notebook has no name for %s, the dynamic type of an interface value", dyn.Type())
	}
	l.nsMu.Lock()
	defer l.nsMu.Unlock()
	st := l.nsLocked()
	tmpl, ok := st.boxes[name]
	if !ok {
		var err error
		if tmpl, err = l.boxTemplate(dyn.Type(), name); err != nil {
			return reflect.Value{}, err
		}
		if st.boxes == nil {
			st.boxes = map[string]reflect.Value{}
		}
		st.boxes[name] = tmpl
	}
	if tmpl.Type() != t {
		return reflect.Value{}, fmt.Errorf("worker: %s is not an interface value of the interpreter", t)
	}
	out := reflect.New(t).Elem()
	out.Set(tmpl)
	val, ok := unexported(out, "value")
	if !ok {
		return reflect.Value{}, errors.New("worker: unexpected layout of the interpreter's interface values")
	}
	val.Set(reflect.ValueOf(dyn))
	return out, nil
}

// boxTemplate evaluates an assignment of a value of type t (the notebook's
// name) to an interface variable of the interpreter, and returns a copy of
// that variable; l.nsMu is held.
func (l *Launcher) boxTemplate(t reflect.Type, name string) (reflect.Value, error) {
	if !l.boxDeclared {
		if _, err := l.in.Eval("type gopherlabBoxI_ interface{ interface{} }\n\nvar gopherlabBox_ gopherlabBoxI_\n\nvar gopherlabBoxed_ any"); err != nil {
			return reflect.Value{}, fmt.Errorf("worker: prepare interface values: %w", err)
		}
		l.boxDeclared = true
	}
	held := vars(l.in, []string{"gopherlabBoxed_", "gopherlabBox_"})
	if !held[0].IsValid() || !held[1].IsValid() {
		return reflect.Value{}, errors.New("worker: prepare interface values: variables missing")
	}
	held[0].Set(reflect.Zero(t))
	if _, err := l.in.Eval("gopherlabBox_ = gopherlabBoxed_.(" + name + ")"); err != nil {
		return reflect.Value{}, fmt.Errorf("worker: rebuild an interface value holding a %s: %w", name, err)
	}
	tmpl := reflect.New(held[1].Type()).Elem()
	tmpl.Set(held[1])
	held[0].SetZero()
	return tmpl, nil
}
