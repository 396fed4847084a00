package fmtshim

import (
	"fmt"
	"reflect"
	"strings"
)

// call is a method bound to its receiver.
type call func(in ...reflect.Value) []reflect.Value

// lookupMethod returns method name of the value v, of type g, as Go's
// method set of v's type has it: declared in a cell (for a value, those
// with a value receiver; for a pointer, all), promoted from embedded fields,
// or a method of a compiled type. want is the method's signature (without
// receiver) for compiled methods, which must match.
func (r *Registry) lookupMethod(v reflect.Value, g *gtype, name string, want reflect.Type) (call, bool) {
	if !v.IsValid() {
		return nil, false
	}
	if g == nil && classify(v.Type())&plainValue != 0 || g == nil && v.Kind() != reflect.Struct && v.Kind() != reflect.Pointer {
		return compiledMethod(v, name, want)
	}
	isPtr := v.Kind() == reflect.Pointer && (g == nil || g.name == "")
	base := g
	if isPtr {
		base = elemOf(g)
	}
	if base != nil && base.e != nil {
		if m, ok := base.e.method(name); ok {
			if m.ptr && !isPtr {
				return nil, false
			}
			recv := v
			if isPtr && !m.ptr {
				recv = v.Elem() // a nil pointer: the call fails as in Go
			}
			return func(in ...reflect.Value) []reflect.Value {
				return m.fn.Call(append([]reflect.Value{recv}, in...))
			}, true
		}
	}
	// Promoted from embedded fields.
	sv := v
	if isPtr {
		if v.IsNil() {
			return nil, false
		}
		sv = v.Elem()
	}
	if sv.Kind() != reflect.Struct {
		return nil, false
	}
	return r.promoted(sv, base, isPtr, name, want)
}

// promoted finds method name among the fields embedded in the struct sv
// (of type g), breadth first as Go does; addressable tells whether sv is
// reached through a pointer, which brings in pointer-receiver methods.
func (r *Registry) promoted(sv reflect.Value, g *gtype, addressable bool, name string, want reflect.Type) (call, bool) {
	type level struct {
		v    reflect.Value
		g    *gtype
		addr bool
	}
	cur := []level{{sv, g, addressable}}
	for depth := 0; depth < 8 && len(cur) > 0; depth++ {
		var found []call
		var next []level
		for _, l := range cur {
			if l.v.Kind() != reflect.Struct {
				continue
			}
			for i := 0; i < l.v.NumField(); i++ {
				embedded := l.g != nil && i < len(l.g.fields) && l.g.fields[i].embedded ||
					l.g == nil && l.v.Type().Field(i).Anonymous
				if !embedded {
					continue
				}
				fv, ft := l.v.Field(i), fieldType(l.g, i)
				fvp := fv.Kind() == reflect.Pointer
				var m call
				var ok bool
				switch {
				case ft != nil && (ft.e != nil || fvp && elemOf(ft) != nil && elemOf(ft).e != nil):
					base := ft
					if fvp && ft.name == "" {
						base = ft.elem
					}
					if mm, has := base.e.method(name); has {
						recv := fv
						switch {
						case mm.ptr && !fvp && l.addr:
							recv = fv.Addr()
						case mm.ptr && !fvp:
							continue
						case !mm.ptr && fvp:
							recv = fv.Elem()
						}
						m, ok = func(in ...reflect.Value) []reflect.Value {
							return mm.fn.Call(append([]reflect.Value{recv}, in...))
						}, true
					}
				case ft == nil && classify(fv.Type())&plainValue != 0:
					m, ok = compiledMethod(fv, name, want)
					if !ok && l.addr && !fvp && fv.CanAddr() {
						m, ok = compiledMethod(fv.Addr(), name, want)
					}
				}
				if ok {
					found = append(found, m)
					continue
				}
				nv, ng, naddr := fv, ft, l.addr
				if fvp {
					if fv.IsNil() {
						continue
					}
					nv, ng, naddr = fv.Elem(), elemOf(ft), true
					if ft != nil && ft.name != "" {
						ng = ft
					}
				}
				if nv.Kind() == reflect.Struct {
					next = append(next, level{nv, ng, naddr})
				}
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
		if len(found) > 1 {
			return nil, false // ambiguous: not in the method set
		}
		cur = next
	}
	return nil, false
}

// compiledMethod returns the method name of a value of a compiled type
// when its signature is want.
func compiledMethod(v reflect.Value, name string, want reflect.Type) (call, bool) {
	if !v.CanInterface() {
		return nil, false
	}
	m := v.MethodByName(strings.TrimSuffix(name, "[]"))
	if !m.IsValid() || m.Type() != want {
		return nil, false
	}
	return func(in ...reflect.Value) []reflect.Value { return m.Call(in) }, true
}

// Signatures of the methods fmt, errors and encoding/json look for.
var (
	sigString  = reflect.TypeFor[func() string]()
	sigFormat  = reflect.TypeFor[func(fmt.State, rune)]()
	sigIs      = reflect.TypeFor[func(error) bool]()
	sigAs      = reflect.TypeFor[func(any) bool]()
	sigUnwrap  = reflect.TypeFor[func() error]()
	sigUnwrapN = reflect.TypeFor[func() []error]()
)

// stringMethod calls a method returning a string.
func stringMethod(c call) string {
	out := c()
	if len(out) == 1 && out[0].Kind() == reflect.String {
		return out[0].String()
	}
	return ""
}
