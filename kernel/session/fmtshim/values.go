package fmtshim

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// resultLimit is how many elements of a slice, array or map a result
// shows.
const resultLimit = 200

// Result returns the text a cell shows for the value of its final
// expression: what fmt.Sprintf("%#v", v) prints in Go (main.point{x:1,
// y:2}, []int{1, 2}, "hi"), except that a value with an Error or String
// method shows what the method returns, and a number or a boolean what %v
// prints (104 for a byte, not 0x68), and that slices, arrays and maps show
// their first 200 elements and then "... (N more)".
// v may be a value the interpreter returned (a reflect.Value).
func (sh *Shim) Result(v any) string {
	rv, g, via := sh.r.concrete(valueOf(v))
	if !rv.IsValid() || rv.Kind() == reflect.Interface && rv.IsNil() {
		return "nil"
	}
	p := newPrinter(sh.r)
	defer p.free()
	p.limit = resultLimit
	p.result(rv, g, via)
	return string(p.buf)
}

func (p *pp) result(v reflect.Value, g *gtype, via reflect.Value) {
	ms := p.methodsOf(v, g, via)
	switch {
	case ms.error != nil:
		defer p.catchPanic(v, 'v', "Error")
		p.buf = append(p.buf, stringMethod(ms.error)...)
	case ms.string != nil:
		defer p.catchPanic(v, 'v', "String")
		p.buf = append(p.buf, stringMethod(ms.string)...)
	default:
		switch v.Kind() {
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
			reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
			// As %v: %#v would print a byte in hexadecimal.
		default:
			p.f.sharpV = true
		}
		if g == nil && !via.IsValid() && classify(v.Type()) == plainName|plainValue && v.CanInterface() {
			p.delegate(v.Interface(), 'v') // as fmt has it: []byte{...}, not []uint8{...}
			return
		}
		if !p.handleMethods(v, g, via, 'v') {
			p.printValue(v, g, 'v', 0, false)
		}
	}
}

func valueOf(v any) reflect.Value {
	if rv, ok := v.(reflect.Value); ok {
		return rv
	}
	return reflect.ValueOf(v)
}

// PanicText returns what Go's runtime prints after "panic: " for the
// panic value v: the text of its Error or String method, a string or
// number as it is, a value of a named basic type as main.Celsius(3.5), and
// other values as their type and address, "(main.point) 0xc000012345".
// v may be a value the interpreter returned (a reflect.Value).
func (sh *Shim) PanicText(v any) string {
	rv, g, via := sh.r.concrete(valueOf(v))
	if !rv.IsValid() || rv.Kind() == reflect.Interface && rv.IsNil() {
		return "nil"
	}
	p := newPrinter(sh.r)
	ms := p.methodsOf(rv, g, via)
	p.free()
	if ms.error != nil {
		if s, ok := safeCall(ms.error); ok {
			return indent(s)
		}
	}
	if ms.string != nil {
		if s, ok := safeCall(ms.string); ok {
			return indent(s)
		}
	}
	name := sh.r.typeString(rv.Type(), g)
	named := g != nil && g.name != "" || g == nil && rv.Type().Name() != "" && rv.Type().PkgPath() != ""
	switch rv.Kind() {
	case reflect.String:
		if !named {
			return indent(rv.String())
		}
		return name + `("` + indent(rv.String()) + `")`
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		s := fmt.Sprint(rv)
		if !named {
			return s
		}
		return name + "(" + s + ")"
	case reflect.Complex64, reflect.Complex128:
		s := fmt.Sprint(rv)
		if !named {
			return s
		}
		return name + s
	}
	var addr uintptr
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Slice:
		addr = uintptr(rv.UnsafePointer())
	default:
		c := reflect.New(rv.Type())
		c.Elem().Set(rv)
		addr = c.Pointer()
	}
	return fmt.Sprintf("(%s) %#x", name, addr)
}

// safeCall calls a method returning a string; ok is false when it panics.
func safeCall(c call) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return stringMethod(c), true
}

// indent is the runtime's printindented: each newline is followed by a
// tab.
func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n\t") }

// panicValue returns the value a panic in interpreted code carried.
func panicValue(r any) any {
	if p, ok := r.(interp.Panic); ok {
		return p.Value
	}
	return r
}
