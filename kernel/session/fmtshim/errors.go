package fmtshim

import (
	"errors"
	"fmt"
	"reflect"
)

// A proxy is a value of an error type declared in a cell, as compiled code
// (fmt.Errorf's wrapping, errors.Is and errors.As) needs it: a compiled
// type with the methods Error, Unwrap, Is, As and Format of the declared
// type. Its first field IValue holds the value, which is how yaegi
// recognises an interface wrapper: a type assertion err.(NotFound) in a
// cell sees through it. Two proxies of equal values are equal, as errors.Is
// wants; a value of a type that is not comparable gets a proxy that is not
// either (the NC variants), so that errors.Is does not compare it.
//
// Unwrap must have one of two signatures or none, hence three kinds.
type (
	proxy struct {
		IValue any
		pcore
	}
	proxyNC struct {
		IValue any
		pcore
		_ [0]func()
	}
	proxyWrap struct {
		IValue any
		pcore
	}
	proxyWrapNC struct {
		IValue any
		pcore
		_ [0]func()
	}
	proxyMulti struct {
		IValue any
		pcore
	}
	proxyMultiNC struct {
		IValue any
		pcore
		_ [0]func()
	}
)

// pcore is what a proxy knows beyond the value.
type pcore struct {
	g *gtype
	r *Registry
}

func (c pcore) value(iv any) reflect.Value { return reflect.ValueOf(iv) }

func (c pcore) error(iv any) string {
	m, ok := c.r.lookupMethod(c.value(iv), c.g, "Error", sigString)
	if !ok {
		return ""
	}
	return stringMethod(m)
}

func (c pcore) format(iv any, s fmt.State, verb rune) {
	p := newPrinter(c.r)
	p.f = flagsOf(s, verb)
	v := c.value(iv)
	if !p.handleMethods(v, c.g, reflect.Value{}, verb) {
		p.printValue(v, c.g, verb, 0, false)
	}
	s.Write(p.buf)
	p.free()
}

func (c pcore) is(iv any, target error) bool {
	m, ok := c.r.lookupMethod(c.value(iv), c.g, "Is", sigIs)
	if !ok {
		return false
	}
	out := m(reflect.ValueOf(&target).Elem())
	return len(out) == 1 && out[0].Kind() == reflect.Bool && out[0].Bool()
}

func (c pcore) as(iv any, target any) bool {
	m, ok := c.r.lookupMethod(c.value(iv), c.g, "As", sigAs)
	if !ok {
		return false
	}
	out := m(reflect.ValueOf(&target).Elem())
	return len(out) == 1 && out[0].Kind() == reflect.Bool && out[0].Bool()
}

func (c pcore) unwrap(iv any) error {
	m, ok := c.r.lookupMethod(c.value(iv), c.g, "Unwrap", sigUnwrap)
	if !ok {
		return nil
	}
	out := m()
	if len(out) != 1 {
		return nil
	}
	return c.r.asErrorValue(out[0])
}

func (c pcore) unwrapMulti(iv any) []error {
	m, ok := c.r.lookupMethod(c.value(iv), c.g, "Unwrap[]", sigUnwrapN)
	if !ok {
		return nil
	}
	out := m()
	if len(out) != 1 {
		return nil
	}
	list := out[0]
	for list.Kind() == reflect.Interface && !list.IsNil() {
		list = list.Elem()
	}
	if list.Kind() != reflect.Slice {
		return nil
	}
	errs := make([]error, 0, list.Len())
	for i := 0; i < list.Len(); i++ {
		errs = append(errs, c.r.asErrorValue(list.Index(i)))
	}
	return errs
}

// flagsOf returns the flags of a fmt.State for verb.
func flagsOf(s fmt.State, verb rune) flags {
	var f flags
	f.wid, f.widPresent = s.Width()
	f.prec, f.precPresent = s.Precision()
	f.minus, f.space, f.zero = s.Flag('-'), s.Flag(' '), s.Flag('0')
	if verb == 'v' {
		f.plusV, f.sharpV = s.Flag('+'), s.Flag('#')
	} else {
		f.plus, f.sharp = s.Flag('+'), s.Flag('#')
	}
	return f
}

func (e proxy) Error() string                 { return e.error(e.IValue) }
func (e proxy) Format(s fmt.State, verb rune) { e.format(e.IValue, s, verb) }
func (e proxy) Is(target error) bool          { return e.is(e.IValue, target) }
func (e proxy) As(target any) bool            { return e.as(e.IValue, target) }

func (e proxyNC) Error() string                 { return e.error(e.IValue) }
func (e proxyNC) Format(s fmt.State, verb rune) { e.format(e.IValue, s, verb) }
func (e proxyNC) Is(target error) bool          { return e.is(e.IValue, target) }
func (e proxyNC) As(target any) bool            { return e.as(e.IValue, target) }

func (e proxyWrap) Error() string                 { return e.error(e.IValue) }
func (e proxyWrap) Format(s fmt.State, verb rune) { e.format(e.IValue, s, verb) }
func (e proxyWrap) Is(target error) bool          { return e.is(e.IValue, target) }
func (e proxyWrap) As(target any) bool            { return e.as(e.IValue, target) }
func (e proxyWrap) Unwrap() error                 { return e.unwrap(e.IValue) }

func (e proxyWrapNC) Error() string                 { return e.error(e.IValue) }
func (e proxyWrapNC) Format(s fmt.State, verb rune) { e.format(e.IValue, s, verb) }
func (e proxyWrapNC) Is(target error) bool          { return e.is(e.IValue, target) }
func (e proxyWrapNC) As(target any) bool            { return e.as(e.IValue, target) }
func (e proxyWrapNC) Unwrap() error                 { return e.unwrap(e.IValue) }

func (e proxyMulti) Error() string                 { return e.error(e.IValue) }
func (e proxyMulti) Format(s fmt.State, verb rune) { e.format(e.IValue, s, verb) }
func (e proxyMulti) Is(target error) bool          { return e.is(e.IValue, target) }
func (e proxyMulti) As(target any) bool            { return e.as(e.IValue, target) }
func (e proxyMulti) Unwrap() []error               { return e.unwrapMulti(e.IValue) }

func (e proxyMultiNC) Error() string                 { return e.error(e.IValue) }
func (e proxyMultiNC) Format(s fmt.State, verb rune) { e.format(e.IValue, s, verb) }
func (e proxyMultiNC) Is(target error) bool          { return e.is(e.IValue, target) }
func (e proxyMultiNC) As(target any) bool            { return e.as(e.IValue, target) }
func (e proxyMultiNC) Unwrap() []error               { return e.unwrapMulti(e.IValue) }

var proxyTypes = map[reflect.Type]bool{
	reflect.TypeFor[proxy]():        true,
	reflect.TypeFor[proxyNC]():      true,
	reflect.TypeFor[proxyWrap]():    true,
	reflect.TypeFor[proxyWrapNC]():  true,
	reflect.TypeFor[proxyMulti]():   true,
	reflect.TypeFor[proxyMultiNC](): true,
}

func isProxyType(t reflect.Type) bool { return t.Kind() == reflect.Struct && proxyTypes[t] }

// proxyParts returns the value a proxy holds and its type.
func proxyParts(v reflect.Value) (reflect.Value, *gtype) {
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	core, _ := field(c, "pcore")
	return reflect.ValueOf(c.Field(0).Interface()), core.Interface().(pcore).g
}

// asError returns the error compiled code should see for v, of type g
// (via is the interpreter's wrapper it came in, if any): a proxy for a
// value of an error type declared in a cell, the error itself for others,
// nil for a value that is no error.
func (r *Registry) asError(v reflect.Value, g *gtype, via reflect.Value) error {
	if !v.IsValid() {
		return nil
	}
	if g != nil {
		if _, ok := r.lookupMethod(v, g, "Error", sigString); ok {
			c := pcore{g: g, r: r}
			iv := v.Interface()
			cmp := v.Type().Comparable()
			_, wrap := r.lookupMethod(v, g, "Unwrap", sigUnwrap)
			_, multi := r.lookupMethod(v, g, "Unwrap[]", sigUnwrapN)
			switch {
			case wrap && cmp:
				return proxyWrap{iv, c}
			case wrap:
				return proxyWrapNC{IValue: iv, pcore: c}
			case multi && cmp:
				return proxyMulti{iv, c}
			case multi:
				return proxyMultiNC{IValue: iv, pcore: c}
			case cmp:
				return proxy{iv, c}
			default:
				return proxyNC{IValue: iv, pcore: c}
			}
		}
	}
	if via.IsValid() {
		if e, ok := via.Interface().(error); ok {
			return e
		}
	}
	if v.CanInterface() {
		if e, ok := v.Interface().(error); ok {
			return e
		}
	}
	return nil
}

// asErrorValue is asError for a value compiled code got from the
// interpreter (an error, or an any holding one).
func (r *Registry) asErrorValue(v reflect.Value) error {
	if !v.IsValid() {
		return nil
	}
	if v.Kind() == reflect.Interface && v.IsNil() {
		return nil
	}
	raw, g, via := r.concrete(v)
	if isProxyType(v.Type()) || v.Kind() == reflect.Interface && !v.IsNil() && isProxyType(v.Elem().Type()) {
		if e, ok := v.Interface().(error); ok {
			return e
		}
	}
	return r.asError(raw, g, via)
}

// asErrorAny is asErrorValue for an argument.
func (r *Registry) asErrorAny(x any) error {
	if x == nil {
		return nil
	}
	if e, ok := x.(error); ok && classify(reflect.TypeOf(x)) == plainName|plainValue {
		return e
	}
	return r.asErrorValue(reflect.ValueOf(x))
}

// errorOf is what a function of a cell returns as an error for v, a value
// of the declared type typ (see lower.SetTypeTags): a proxy.
func (r *Registry) errorOf(v any, typ string) error {
	rv := reflect.ValueOf(v)
	g := r.static(typ)
	if g == nil {
		g = r.typeOfValue(rv.Type())
	}
	if e := r.asError(rv, g, reflect.Value{}); e != nil {
		return e
	}
	// The type's Error method is unknown to the registry (it did not
	// compile on its own): the value still must not be a nil error.
	return proxy{v, pcore{g: g, r: r}}
}

// Is is errors.Is for cells: err and target may be values of error types
// declared in cells.
func (r *Registry) Is(err, target any) bool {
	return errors.Is(r.asErrorAny(err), r.asErrorAny(target))
}

// Unwrap is errors.Unwrap for cells.
func (r *Registry) Unwrap(err any) error {
	return errors.Unwrap(r.asErrorAny(err))
}

// Join is errors.Join for cells.
func (r *Registry) Join(errs ...any) error {
	list := make([]error, len(errs))
	for i, e := range errs {
		list[i] = r.asErrorAny(e)
	}
	return errors.Join(list...)
}

// joinErrors is errors.Join with its own signature.
func (r *Registry) joinErrors(errs ...error) error {
	list := make([]any, len(errs))
	for i, e := range errs {
		list[i] = e
	}
	return r.Join(list...)
}

// As is errors.As for cells: target may point to a variable of an error
// type declared in a cell.
func (r *Registry) As(err, target any) bool {
	if target == nil {
		panic("errors: target cannot be nil")
	}
	tv, tg, _ := r.concrete(reflect.ValueOf(target))
	if !tv.IsValid() || tv.Kind() != reflect.Pointer || tv.IsNil() {
		panic("errors: target must be a non-nil pointer")
	}
	e := r.asErrorAny(err)
	eg := elemOf(tg)
	if eg == nil {
		eg = r.typeOfValue(tv.Type().Elem())
	}
	if !declared(eg) {
		return errors.As(e, tv.Interface())
	}
	if _, ok := r.lookupMethod(reflect.Zero(tv.Type().Elem()), eg, "Error", sigString); !ok && !isPtrGtype(eg) {
		panic("errors: *target must be interface or implement error")
	}
	return r.as(e, tv.Elem(), eg)
}

func isPtrGtype(g *gtype) bool { return g != nil && g.kind == reflect.Pointer && g.name == "" }

// declared reports whether g is a type declared in a cell or a pointer to
// one.
func declared(g *gtype) bool {
	if isPtrGtype(g) {
		g = g.elem
	}
	return g != nil && g.name != ""
}

// sameType reports whether a and b are the same declared type.
func sameType(a, b *gtype) bool {
	if a == nil || b == nil {
		return a == b
	}
	if isPtrGtype(a) != isPtrGtype(b) {
		return false
	}
	if isPtrGtype(a) {
		return sameType(a.elem, b.elem)
	}
	return a.name == b.name
}

// as is errors.As for a target of a declared type: dst is the variable.
func (r *Registry) as(err error, dst reflect.Value, dg *gtype) bool {
	for err != nil {
		raw, g, _ := r.concrete(reflect.ValueOf(err))
		if raw.IsValid() && raw.Type() == dst.Type() && (g == nil || sameType(g, dg)) {
			dst.Set(raw)
			return true
		}
		if x, ok := err.(interface{ As(any) bool }); ok && x.As(dst.Addr().Interface()) {
			return true
		}
		switch x := err.(type) {
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				if r.as(e, dst, dg) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

// Errorf is fmt.Errorf for cells.
func (r *Registry) Errorf(format string, a ...any) error {
	if allPlain(a) {
		return fmt.Errorf(format, a...)
	}
	p := newPrinter(r)
	defer p.free()
	p.wrapErrs = true
	p.doPrintf(format, a)
	if len(p.holes) == 0 {
		return errors.New(string(p.buf))
	}
	// fmt.Errorf makes the error, so that it has the type and methods Go's
	// has: the text printed here, the %w directives left to it.
	var f []byte
	last := 0
	args := append([]any(nil), a...)
	for _, h := range p.holes {
		f = appendEscaped(f, p.buf[last:h.at])
		f = append(f, h.directive...)
		last = h.at
		args[h.arg] = h.err
	}
	f = appendEscaped(f, p.buf[last:])
	return fmt.Errorf(string(f), args...)
}

func appendEscaped(dst, s []byte) []byte {
	for _, c := range s {
		if c == '%' {
			dst = append(dst, '%')
		}
		dst = append(dst, c)
	}
	return dst
}
