package fmtshim

import (
	"reflect"
	"unsafe"
)

// This file knows how yaegi v0.16.1 (pinned in go.mod) hands interpreted
// values to compiled code:
//
//   - a value of a type declared in a cell is a value of an unnamed
//     reflect type (reflect.StructOf for structs, the underlying type
//     otherwise): only the registry tells its Go name and methods;
//   - a value of an interface type declared in a cell (type Shape
//     interface{...}) is an interp.valueInterface, whose node holds the
//     interpreter's type of the dynamic value;
//   - a value crossing into a compiled interface (error, fmt.Stringer) may
//     be an interface wrapper: a struct whose first field IValue holds the
//     value and whose other fields hold its methods (interp._error,
//     the _fmt_Stringer of the stdlib symbols, and this package's proxies).

const yaegiInterp = "github.com/traefik/yaegi/interp"

// typed is a value tagged with its static type by the lowered code of a
// cell ([T]): the only way to tell a Celsius from a float64.
type typed struct {
	v any
	t string
}

// isValueInterface reports whether t is yaegi's interp.valueInterface.
func isValueInterface(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.Name() == "valueInterface" && t.PkgPath() == yaegiInterp
}

// isWrapper reports whether t is an interface wrapper: a named struct
// whose first field IValue is an interface.
func isWrapper(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t.Name() == "" || t.NumField() == 0 {
		return false
	}
	f := t.Field(0)
	return f.Name == "IValue" && f.Type.Kind() == reflect.Interface
}

var typedType = reflect.TypeFor[typed]()

// special reports whether values of t need concrete to be understood.
func special(t reflect.Type) bool {
	return t == typedType || isValueInterface(t) || isWrapper(t)
}

// concrete returns the value v stands for and what is known of its type,
// looking through interfaces, valueInterfaces, wrappers and static type
// tags. via is the outermost wrapper seen: its methods stand for those of
// the value when the registry does not know the value's type (a type
// declared inside a function).
func (r *Registry) concrete(v reflect.Value) (raw reflect.Value, g *gtype, via reflect.Value) {
	var static *gtype // from a type tag
	var name string   // the interpreter's name of the dynamic type
	ptr := false
	for v.IsValid() {
		t := v.Type()
		switch {
		case v.Kind() == reflect.Interface:
			if v.IsNil() {
				return v, static, via
			}
			v = v.Elem()
			continue
		case t == typedType:
			tv := v.Interface().(typed)
			if s := r.static(tv.t); s != nil && s.kind != reflect.Interface {
				static = s // an interface type: the dynamic type decides
			}
			v = reflect.ValueOf(tv.v)
			continue
		case isProxyType(t):
			raw, pg := proxyParts(v)
			return raw, pg, via
		case isValueInterface(t):
			inner, n, p := valueInterfaceParts(v)
			if n != "" {
				name, ptr = n, p
			}
			v = inner
			continue
		case isWrapper(t):
			if !via.IsValid() {
				via = v
			}
			v = v.Field(0)
			continue
		}
		break
	}
	if !v.IsValid() || static != nil {
		return v, static, via
	}
	if name != "" {
		if e := r.lookup(name); e != nil {
			if !ptr && e.rt == v.Type() {
				return v, r.named(e), via
			}
			if ptr && v.Kind() == reflect.Pointer && e.rt == v.Type().Elem() {
				return v, ptrTo(r.named(e)), via
			}
		}
	}
	return v, r.typeOfValue(v.Type()), via
}

// typeOfValue returns what the registry knows of values of the run-time
// type rt: declared struct types and pointers to them.
func (r *Registry) typeOfValue(rt reflect.Type) *gtype {
	switch {
	case rt.Kind() == reflect.Struct && rt.Name() == "":
		if e := r.ofType(rt); e != nil {
			return r.named(e)
		}
	case rt.Kind() == reflect.Pointer && rt.Name() == "" && rt.Elem().Kind() == reflect.Struct && rt.Elem().Name() == "":
		if e := r.ofType(rt.Elem()); e != nil {
			return ptrTo(r.named(e))
		}
	}
	return nil
}

// valueInterfaceParts returns the value inside a valueInterface and the
// name of its dynamic type in the interpreter (ptr when it is a pointer
// to that type), or "" when the type has no name.
func valueInterfaceParts(v reflect.Value) (inner reflect.Value, name string, ptr bool) {
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	if f, ok := field(c, "value"); ok {
		inner, _ = f.Interface().(reflect.Value)
	}
	n, ok := field(c, "node")
	if !ok || n.Kind() != reflect.Pointer || n.IsNil() {
		return inner, "", false
	}
	t, ok := field(n.Elem(), "typ")
	if !ok || t.Kind() != reflect.Pointer || t.IsNil() {
		return inner, "", false
	}
	name, path, val := itypeName(t.Elem())
	if name == "" && val.IsValid() && itypeCat(t.Elem()) == ptrT {
		name, path, _ = itypeName(val)
		ptr = true
	}
	if path != "main" && path != "" {
		return inner, "", false
	}
	return inner, name, ptr
}

// ptrT is yaegi's type category of pointer types (interp.ptrT).
const ptrT = 26

func itypeName(t reflect.Value) (name, path string, val reflect.Value) {
	if f, ok := field(t, "name"); ok && f.Kind() == reflect.String {
		name = f.String()
	}
	if f, ok := field(t, "path"); ok && f.Kind() == reflect.String {
		path = f.String()
	}
	if f, ok := field(t, "val"); ok && f.Kind() == reflect.Pointer && !f.IsNil() {
		val = f.Elem()
	}
	return name, path, val
}

func itypeCat(t reflect.Value) uint64 {
	if f, ok := field(t, "cat"); ok && f.Kind() == reflect.Uint {
		return f.Uint()
	}
	return 0
}

// field returns a readable view of the (possibly unexported) field name of
// the addressable struct v.
func field(v reflect.Value, name string) (reflect.Value, bool) {
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	f := v.FieldByName(name)
	if !f.IsValid() || !f.CanAddr() {
		return reflect.Value{}, false
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), true
}
