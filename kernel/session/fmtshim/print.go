// The printer follows Go's fmt/print.go (Copyright 2009 The Go Authors; a
// BSD-style license in the Go distribution's LICENSE file) step for step:
// argument indexes, widths, flags, methods, %!verb(...) errors and the walk
// of composite values are fmt's own logic. What differs is what it knows:
// the names of the types and fields cells declared and their methods, which
// the interpreter's values do not carry. The values themselves (numbers,
// strings, and whatever involves no declared type) are printed by package
// fmt, given the same directive.

package fmtshim

import (
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"unicode/utf8"
)

const (
	commaSpaceString  = ", "
	nilAngleString    = "<nil>"
	nilParenString    = "(nil)"
	nilString         = "nil"
	mapString         = "map["
	percentBangString = "%!"
	missingString     = "(MISSING)"
	badIndexString    = "(BADINDEX)"
	panicString       = "(PANIC="
	extraString       = "%!(EXTRA "
	badWidthString    = "%!(BADWIDTH)"
	badPrecString     = "%!(BADPREC)"
	noVerbString      = "%!(NOVERB)"
	invReflectString  = "<invalid reflect.Value>"
)

// flags are fmt's formatting flags of the directive being printed.
type flags struct {
	plus, minus, sharp, space, zero bool
	plusV, sharpV                   bool
	wid, prec                       int
	widPresent, precPresent         bool
}

// pp prints one call's arguments, as fmt's pp. It implements fmt.State for
// the Format methods of declared types.
type pp struct {
	buf []byte
	r   *Registry
	f   flags

	reordered, goodArgNum bool
	panicking, erroring   bool
	argNum                int

	// wrapErrs is set for Errorf; holes are its %w directives whose
	// errors fmt.Errorf itself wraps.
	wrapErrs bool
	holes    []hole

	// limit is the number of elements shown of a slice, array or map
	// (results of cells); 0 shows all, as fmt does.
	limit int
}

// hole is a %w directive of Errorf: at is its offset in buf, directive
// the directive to give fmt.Errorf, arg the argument's index and err the
// error to wrap.
type hole struct {
	at        int
	directive string
	arg       int
	err       error
}

var ppFree = sync.Pool{New: func() any { return new(pp) }}

func newPrinter(r *Registry) *pp {
	p := ppFree.Get().(*pp)
	p.r = r
	p.panicking, p.erroring, p.wrapErrs = false, false, false
	p.holes = nil
	p.limit = 0
	p.f = flags{}
	return p
}

func (p *pp) free() {
	if cap(p.buf) > 64<<10 {
		return
	}
	p.buf = p.buf[:0]
	p.r = nil
	p.holes = nil
	ppFree.Put(p)
}

// Width, Precision, Flag and Write make pp a fmt.State.

func (p *pp) Width() (wid int, ok bool)      { return p.f.wid, p.f.widPresent }
func (p *pp) Precision() (prec int, ok bool) { return p.f.prec, p.f.precPresent }

func (p *pp) Flag(b int) bool {
	switch b {
	case '-':
		return p.f.minus
	case '+':
		return p.f.plus || p.f.plusV
	case '#':
		return p.f.sharp || p.f.sharpV
	case ' ':
		return p.f.space
	case '0':
		return p.f.zero
	}
	return false
}

func (p *pp) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	return len(b), nil
}

func (p *pp) WriteString(s string) (int, error) {
	p.buf = append(p.buf, s...)
	return len(s), nil
}

// directive returns the fmt directive of the current flags and verb.
func (p *pp) directive(verb rune) []byte {
	b := make([]byte, 1, 16)
	b[0] = '%'
	if p.f.plus || p.f.plusV {
		b = append(b, '+')
	}
	if p.f.sharp || p.f.sharpV {
		b = append(b, '#')
	}
	if p.f.minus {
		b = append(b, '-')
	}
	if p.f.space {
		b = append(b, ' ')
	}
	if p.f.zero {
		b = append(b, '0')
	}
	if p.f.widPresent {
		b = strconv.AppendInt(b, int64(p.f.wid), 10)
	}
	if p.f.precPresent {
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(p.f.prec), 10)
	}
	return utf8.AppendRune(b, verb)
}

// delegate has package fmt print arg with the current directive.
func (p *pp) delegate(arg any, verb rune) {
	p.buf = fmt.Appendf(p.buf, string(p.directive(verb)), arg)
}

// fmtS prints s as fmt's %s of the current flags.
func (p *pp) fmtS(s string) { p.delegate(s, 's') }

// plain reports whether fmt alone prints arg as Go would: the common
// types at once, others by their cached class.
func plain(arg any) bool {
	switch arg.(type) {
	case nil, string, int, bool, float64, int64, []byte:
		return true
	}
	return classify(reflect.TypeOf(arg)) == plainName|plainValue
}

func allPlain(a []any) bool {
	for _, x := range a {
		if !plain(x) {
			return false
		}
	}
	return true
}

func (p *pp) printArg(arg any, verb rune) {
	if plain(arg) && !(verb == 'w' && p.wrapErrs) {
		p.delegate(arg, verb)
		return
	}
	v, g, via := p.r.concrete(reflect.ValueOf(arg))
	if !v.IsValid() || v.Kind() == reflect.Interface && v.IsNil() {
		p.delegate(nil, verb)
		return
	}
	if g == nil && !via.IsValid() && classify(v.Type()) == plainName|plainValue && v.CanInterface() &&
		!(verb == 'w' && p.wrapErrs) {
		// A value of a compiled type behind a tag or a wrapper.
		p.delegate(v.Interface(), verb)
		return
	}
	switch verb {
	case 'T':
		p.fmtS(p.r.typeString(v.Type(), g))
		return
	case 'p':
		p.fmtPointer(v, g, 'p')
		return
	}
	if p.handleMethods(v, g, via, verb) {
		return
	}
	p.printValue(v, g, verb, 0, false)
}

// methods are the methods of a value fmt looks for.
type methods struct {
	format, goString, error, string call
}

func (p *pp) methodsOf(v reflect.Value, g *gtype, via reflect.Value) methods {
	var ms methods
	if g == nil && via.IsValid() {
		v = via
	}
	if g == nil && classify(v.Type())&plainValue != 0 || g == nil && via.IsValid() {
		if !v.CanInterface() {
			return ms
		}
		switch x := v.Interface().(type) {
		case fmt.Formatter:
			ms.format = func(in ...reflect.Value) []reflect.Value {
				x.Format(in[0].Interface().(fmt.State), rune(in[1].Int()))
				return nil
			}
		}
		if x, ok := v.Interface().(fmt.GoStringer); ok {
			ms.goString = func(...reflect.Value) []reflect.Value { return []reflect.Value{reflect.ValueOf(x.GoString())} }
		}
		if x, ok := v.Interface().(error); ok {
			ms.error = func(...reflect.Value) []reflect.Value { return []reflect.Value{reflect.ValueOf(x.Error())} }
		}
		if x, ok := v.Interface().(fmt.Stringer); ok {
			ms.string = func(...reflect.Value) []reflect.Value { return []reflect.Value{reflect.ValueOf(x.String())} }
		}
		return ms
	}
	ms.format, _ = p.r.lookupMethod(v, g, "Format", sigFormat)
	ms.goString, _ = p.r.lookupMethod(v, g, "GoString", sigString)
	ms.error, _ = p.r.lookupMethod(v, g, "Error", sigString)
	ms.string, _ = p.r.lookupMethod(v, g, "String", sigString)
	return ms
}

// catchPanic turns a panic in a method into fmt's %!v(PANIC=...).
func (p *pp) catchPanic(v reflect.Value, verb rune, method string) {
	if err := recover(); err != nil {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			p.buf = append(p.buf, nilAngleString...)
			return
		}
		if p.panicking {
			panic(err)
		}
		old := p.f
		p.f = flags{}
		p.buf = append(p.buf, percentBangString...)
		p.buf = utf8.AppendRune(p.buf, verb)
		p.buf = append(p.buf, panicString...)
		p.buf = append(p.buf, method...)
		p.buf = append(p.buf, " method: "...)
		p.panicking = true
		p.printArg(panicValue(err), 'v')
		p.panicking = false
		p.buf = append(p.buf, ')')
		p.f = old
	}
}

func (p *pp) handleMethods(v reflect.Value, g *gtype, via reflect.Value, verb rune) (handled bool) {
	if p.erroring {
		return false
	}
	ms := p.methodsOf(v, g, via)
	if verb == 'w' {
		if ms.error == nil || !p.wrapErrs {
			p.badVerb(verb, v, g)
			return true
		}
		p.addHole(v, g, via)
		return true
	}
	// handled is set before a method is called: a panic in it is
	// printed by catchPanic, and the value is done.
	if ms.format != nil {
		handled = true
		defer p.catchPanic(v, verb, "Format")
		ms.format(reflect.ValueOf(fmt.State(p)), reflect.ValueOf(verb))
		return
	}
	if p.f.sharpV {
		if ms.goString != nil {
			handled = true
			defer p.catchPanic(v, verb, "GoString")
			p.fmtS(stringMethod(ms.goString))
		}
		return
	}
	switch verb {
	case 'v', 's', 'x', 'X', 'q':
		switch {
		case ms.error != nil:
			handled = true
			defer p.catchPanic(v, verb, "Error")
			p.delegate(stringMethod(ms.error), verb)
		case ms.string != nil:
			handled = true
			defer p.catchPanic(v, verb, "String")
			p.delegate(stringMethod(ms.string), verb)
		}
	}
	return
}

// addHole leaves a %w directive of Errorf to fmt.Errorf.
func (p *pp) addHole(v reflect.Value, g *gtype, via reflect.Value) {
	d := p.directive('w')
	d = append(d[:len(d)-1], '[')
	d = strconv.AppendInt(d, int64(p.argNum+1), 10)
	d = append(d, "]w"...)
	p.holes = append(p.holes, hole{at: len(p.buf), directive: string(d), arg: p.argNum, err: p.r.asError(v, g, via)})
}

// verbOK reports whether verb prints a value of basic kind k.
func verbOK(k reflect.Kind, verb rune) bool {
	switch k {
	case reflect.Bool:
		return verb == 't' || verb == 'v'
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		switch verb {
		case 'v', 'd', 'b', 'o', 'O', 'x', 'X', 'c', 'q', 'U':
			return true
		}
	case reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		switch verb {
		case 'v', 'b', 'g', 'G', 'x', 'X', 'f', 'F', 'e', 'E':
			return true
		}
	case reflect.String:
		switch verb {
		case 'v', 's', 'x', 'X', 'q':
			return true
		}
	}
	return false
}

func (p *pp) badVerb(verb rune, v reflect.Value, g *gtype) {
	p.erroring = true
	p.buf = append(p.buf, percentBangString...)
	p.buf = utf8.AppendRune(p.buf, verb)
	p.buf = append(p.buf, '(')
	if v.IsValid() {
		p.buf = append(p.buf, p.r.typeString(v.Type(), g)...)
		p.buf = append(p.buf, '=')
		p.printValue(v, g, 'v', 0, false)
	} else {
		p.buf = append(p.buf, nilAngleString...)
	}
	p.buf = append(p.buf, ')')
	p.erroring = false
}

// roValue returns v as read through an unexported field, so that package
// fmt does not call its methods (Go does not for unexported fields).
func roValue(v reflect.Value) reflect.Value {
	if !v.CanInterface() {
		return v
	}
	box := struct{ x any }{v.Interface()}
	return reflect.ValueOf(box).Field(0).Elem()
}

// printValue prints v, of type g, as fmt's printValue does. ro is set
// below an unexported field: methods are not called there.
func (p *pp) printValue(v reflect.Value, g *gtype, verb rune, depth int, ro bool) {
	var via reflect.Value
	if v.IsValid() && special(v.Type()) {
		static := g
		v, g, via = p.r.concrete(v)
		if !v.IsValid() || v.Kind() == reflect.Interface && v.IsNil() {
			// A nil interface of a type declared in a cell.
			if p.f.sharpV {
				name := "interface {}"
				if static != nil && static.name != "" {
					name = static.name
				}
				p.buf = append(p.buf, name...)
				p.buf = append(p.buf, nilParenString...)
			} else if verb == 'v' {
				p.buf = append(p.buf, nilAngleString...)
			} else {
				p.badVerb(verb, reflect.Value{}, nil)
			}
			return
		}
		depth++
	} else if g == nil && v.IsValid() {
		g = p.r.typeOfValue(v.Type())
	}
	if depth > 0 && v.IsValid() && !ro && v.CanInterface() {
		if p.handleMethods(v, g, via, verb) {
			return
		}
	}
	if g == nil && v.IsValid() && v.Kind() != reflect.Interface {
		if c := classify(v.Type()); c == plainName|plainValue || c&plainValue != 0 && !p.f.sharpV {
			if depth > 0 && v.Kind() == reflect.Pointer {
				p.fmtPointer(v, g, verb)
				return
			}
			if ro || p.erroring {
				v = roValue(v) // no methods, as fmt does there
			}
			p.delegate(v, verb)
			return
		}
	}

	switch f := v; v.Kind() {
	case reflect.Invalid:
		if depth == 0 {
			p.buf = append(p.buf, invReflectString...)
		} else if verb == 'v' {
			p.buf = append(p.buf, nilAngleString...)
		} else {
			p.badVerb(verb, reflect.Value{}, nil)
		}
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		if !verbOK(f.Kind(), verb) {
			p.badVerb(verb, f, g)
			return
		}
		p.delegate(f, verb)
	case reflect.Map:
		if p.f.sharpV {
			p.buf = append(p.buf, p.r.typeString(f.Type(), g)...)
			if f.IsNil() {
				p.buf = append(p.buf, nilParenString...)
				return
			}
			p.buf = append(p.buf, '{')
		} else {
			p.buf = append(p.buf, mapString...)
		}
		sorted := sortMap(f)
		for i, m := range sorted {
			if p.elemSep(i, len(sorted)) {
				break
			}
			p.printValue(m.key, keyOf(g), verb, depth+1, ro)
			p.buf = append(p.buf, ':')
			p.printValue(m.value, elemOf(g), verb, depth+1, ro)
		}
		if p.f.sharpV {
			p.buf = append(p.buf, '}')
		} else {
			p.buf = append(p.buf, ']')
		}
	case reflect.Struct:
		if p.f.sharpV {
			p.buf = append(p.buf, p.r.typeString(f.Type(), g)...)
		}
		p.buf = append(p.buf, '{')
		for i := 0; i < f.NumField(); i++ {
			if i > 0 {
				if p.f.sharpV {
					p.buf = append(p.buf, commaSpaceString...)
				} else {
					p.buf = append(p.buf, ' ')
				}
			}
			name, exported := fieldName(f.Type(), g, i)
			if p.f.plusV || p.f.sharpV {
				p.buf = append(p.buf, name...)
				p.buf = append(p.buf, ':')
			}
			fv := f.Field(i)
			if fv.Kind() == reflect.Interface && !fv.IsNil() {
				fv = fv.Elem()
			}
			p.printValue(fv, fieldType(g, i), verb, depth+1, ro || !exported)
		}
		p.buf = append(p.buf, '}')
	case reflect.Interface:
		value := f.Elem()
		if !value.IsValid() {
			if p.f.sharpV {
				p.buf = append(p.buf, p.r.typeString(f.Type(), g)...)
				p.buf = append(p.buf, nilParenString...)
			} else {
				p.buf = append(p.buf, nilAngleString...)
			}
		} else {
			p.printValue(value, nil, verb, depth+1, ro)
		}
	case reflect.Array, reflect.Slice:
		switch verb {
		case 's', 'q', 'x', 'X':
			if f.Type().Elem().Kind() == reflect.Uint8 {
				p.delegate(roValue(f), verb)
				return
			}
		}
		if p.f.sharpV {
			p.buf = append(p.buf, p.r.typeString(f.Type(), g)...)
			if f.Kind() == reflect.Slice && f.IsNil() {
				p.buf = append(p.buf, nilParenString...)
				return
			}
			p.buf = append(p.buf, '{')
		} else {
			p.buf = append(p.buf, '[')
		}
		for i := 0; i < f.Len(); i++ {
			if p.elemSep(i, f.Len()) {
				break
			}
			p.printValue(f.Index(i), elemOf(g), verb, depth+1, ro)
		}
		if p.f.sharpV {
			p.buf = append(p.buf, '}')
		} else {
			p.buf = append(p.buf, ']')
		}
	case reflect.Pointer:
		if depth == 0 && f.UnsafePointer() != nil {
			switch a := f.Elem(); a.Kind() {
			case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
				p.buf = append(p.buf, '&')
				p.printValue(a, elemOf(g), verb, depth+1, ro)
				return
			}
		}
		p.fmtPointer(f, g, verb)
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		p.fmtPointer(f, g, verb)
	default:
		p.delegate(roValue(f), verb)
	}
}

func (p *pp) fmtPointer(v reflect.Value, g *gtype, verb rune) {
	var u uintptr
	switch v.Kind() {
	case reflect.Chan, reflect.Func, reflect.Map, reflect.Pointer, reflect.Slice, reflect.UnsafePointer:
		u = uintptr(v.UnsafePointer())
	default:
		p.badVerb(verb, v, g)
		return
	}
	switch verb {
	case 'v':
		if p.f.sharpV {
			p.buf = append(p.buf, '(')
			p.buf = append(p.buf, p.r.typeString(v.Type(), g)...)
			p.buf = append(p.buf, ")("...)
			if u == 0 {
				p.buf = append(p.buf, nilString...)
			} else {
				p.buf = append(p.buf, "0x"...)
				p.buf = strconv.AppendUint(p.buf, uint64(u), 16)
			}
			p.buf = append(p.buf, ')')
			return
		}
		p.delegate(v.UnsafePointer(), verb)
	case 'p', 'b', 'o', 'd', 'x', 'X':
		p.delegate(v.UnsafePointer(), verb)
	default:
		p.badVerb(verb, v, g)
	}
}

// tooLarge reports whether the magnitude of the integer is too large to be
// used as a formatting width or precision.
func tooLarge(x int) bool {
	const max int = 1e6
	return x > max || x < -max
}

// parsenum converts ASCII to integer; num is 0 (and isnum false) if no
// number is present.
func parsenum(s string, start, end int) (num int, isnum bool, newi int) {
	if start >= end {
		return 0, false, end
	}
	for newi = start; newi < end && '0' <= s[newi] && s[newi] <= '9'; newi++ {
		if tooLarge(num) {
			return 0, false, end
		}
		num = num*10 + int(s[newi]-'0')
		isnum = true
	}
	return
}

// intFromArg gets the argNumth element of a as a width or precision.
func (p *pp) intFromArg(a []any, argNum int) (num int, isInt bool, newArgNum int) {
	newArgNum = argNum
	if argNum < len(a) {
		arg := a[argNum]
		if special(reflect.TypeOf(arg)) {
			if v, _, _ := p.r.concrete(reflect.ValueOf(arg)); v.IsValid() && v.CanInterface() {
				arg = v.Interface()
			}
		}
		num, isInt = arg.(int)
		if !isInt {
			switch v := reflect.ValueOf(arg); v.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				n := v.Int()
				if int64(int(n)) == n {
					num = int(n)
					isInt = true
				}
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
				n := v.Uint()
				if int64(n) >= 0 && uint64(int(n)) == n {
					num = int(n)
					isInt = true
				}
			}
		}
		newArgNum = argNum + 1
		if tooLarge(num) {
			num = 0
			isInt = false
		}
	}
	return
}

// parseArgNumber returns the value of the bracketed number, minus 1.
func parseArgNumber(format string) (index int, wid int, ok bool) {
	if len(format) < 3 {
		return 0, 1, false
	}
	for i := 1; i < len(format); i++ {
		if format[i] == ']' {
			width, ok, newi := parsenum(format, 1, i)
			if !ok || newi != i {
				return 0, i + 1, false
			}
			return width - 1, i + 1, true
		}
	}
	return 0, 1, false
}

func (p *pp) argNumber(argNum int, format string, i int, numArgs int) (newArgNum, newi int, found bool) {
	if len(format) <= i || format[i] != '[' {
		return argNum, i, false
	}
	p.reordered = true
	index, wid, ok := parseArgNumber(format[i:])
	if ok && 0 <= index && index < numArgs {
		return index, i + wid, true
	}
	p.goodArgNum = false
	return argNum, i + wid, ok
}

func (p *pp) doPrintf(format string, a []any) {
	end := len(format)
	argNum := 0
	afterIndex := false
	p.reordered = false
formatLoop:
	for i := 0; i < end; {
		p.goodArgNum = true
		lasti := i
		for i < end && format[i] != '%' {
			i++
		}
		if i > lasti {
			p.buf = append(p.buf, format[lasti:i]...)
		}
		if i >= end {
			break
		}
		i++
		p.f = flags{}
	simpleFormat:
		for ; i < end; i++ {
			c := format[i]
			switch c {
			case '#':
				p.f.sharp = true
			case '0':
				p.f.zero = true
			case '+':
				p.f.plus = true
			case '-':
				p.f.minus = true
			case ' ':
				p.f.space = true
			default:
				if 'a' <= c && c <= 'z' && argNum < len(a) {
					switch c {
					case 'w', 'v':
						p.f.sharpV = p.f.sharp
						p.f.sharp = false
						p.f.plusV = p.f.plus
						p.f.plus = false
					}
					p.argNum = argNum
					p.printArg(a[argNum], rune(c))
					argNum++
					i++
					continue formatLoop
				}
				break simpleFormat
			}
		}

		argNum, i, afterIndex = p.argNumber(argNum, format, i, len(a))

		if i < end && format[i] == '*' {
			i++
			p.f.wid, p.f.widPresent, argNum = p.intFromArg(a, argNum)
			if !p.f.widPresent {
				p.buf = append(p.buf, badWidthString...)
			}
			if p.f.wid < 0 {
				p.f.wid = -p.f.wid
				p.f.minus = true
				p.f.zero = false
			}
			afterIndex = false
		} else {
			p.f.wid, p.f.widPresent, i = parsenum(format, i, end)
			if afterIndex && p.f.widPresent {
				p.goodArgNum = false
			}
		}

		if i+1 < end && format[i] == '.' {
			i++
			if afterIndex {
				p.goodArgNum = false
			}
			argNum, i, afterIndex = p.argNumber(argNum, format, i, len(a))
			if i < end && format[i] == '*' {
				i++
				p.f.prec, p.f.precPresent, argNum = p.intFromArg(a, argNum)
				if p.f.prec < 0 {
					p.f.prec = 0
					p.f.precPresent = false
				}
				if !p.f.precPresent {
					p.buf = append(p.buf, badPrecString...)
				}
				afterIndex = false
			} else {
				p.f.prec, p.f.precPresent, i = parsenum(format, i, end)
				if !p.f.precPresent {
					p.f.prec = 0
					p.f.precPresent = true
				}
			}
		}

		if !afterIndex {
			argNum, i, afterIndex = p.argNumber(argNum, format, i, len(a))
		}

		if i >= end {
			p.buf = append(p.buf, noVerbString...)
			break
		}

		verb, size := utf8.DecodeRuneInString(format[i:])
		i += size

		switch {
		case verb == '%':
			p.buf = append(p.buf, '%')
		case !p.goodArgNum:
			p.buf = append(p.buf, percentBangString...)
			p.buf = utf8.AppendRune(p.buf, verb)
			p.buf = append(p.buf, badIndexString...)
		case argNum >= len(a):
			p.buf = append(p.buf, percentBangString...)
			p.buf = utf8.AppendRune(p.buf, verb)
			p.buf = append(p.buf, missingString...)
		default:
			if verb == 'v' || verb == 'w' {
				p.f.sharpV = p.f.sharp
				p.f.sharp = false
				p.f.plusV = p.f.plus
				p.f.plus = false
			}
			p.argNum = argNum
			p.printArg(a[argNum], verb)
			argNum++
		}
	}

	if !p.reordered && argNum < len(a) {
		p.f = flags{}
		p.buf = append(p.buf, extraString...)
		for i, arg := range a[argNum:] {
			if i > 0 {
				p.buf = append(p.buf, commaSpaceString...)
			}
			name := p.typeOfArg(arg)
			if name == "" {
				p.buf = append(p.buf, nilAngleString...)
				continue
			}
			p.buf = append(p.buf, name...)
			p.buf = append(p.buf, '=')
			p.printArg(arg, 'v')
		}
		p.buf = append(p.buf, ')')
	}
}

// typeOfArg is Go's name of the dynamic type of arg, "" for nil.
func (p *pp) typeOfArg(arg any) string {
	if arg == nil {
		return ""
	}
	if plain(arg) {
		return reflect.TypeOf(arg).String()
	}
	v, g, _ := p.r.concrete(reflect.ValueOf(arg))
	if !v.IsValid() || v.Kind() == reflect.Interface && v.IsNil() {
		return ""
	}
	return p.r.typeString(v.Type(), g)
}

// isString reports whether arg is a string, for Print's spacing.
func (p *pp) isString(arg any) bool {
	if arg == nil {
		return false
	}
	t := reflect.TypeOf(arg)
	if special(t) {
		v, _, _ := p.r.concrete(reflect.ValueOf(arg))
		return v.IsValid() && v.Kind() == reflect.String
	}
	return t.Kind() == reflect.String
}

func (p *pp) doPrint(a []any) {
	prevString := false
	for argNum, arg := range a {
		isString := p.isString(arg)
		if argNum > 0 && !isString && !prevString {
			p.buf = append(p.buf, ' ')
		}
		p.f = flags{}
		p.printArg(arg, 'v')
		prevString = isString
	}
}

func (p *pp) doPrintln(a []any) {
	for argNum, arg := range a {
		if argNum > 0 {
			p.buf = append(p.buf, ' ')
		}
		p.f = flags{}
		p.printArg(arg, 'v')
	}
	p.buf = append(p.buf, '\n')
}

// elemSep writes what goes before the i'th of n elements of a map, slice
// or array: a separator after the first, and, past the limit of elements
// shown, how many more there are, reporting that the rest is not printed.
func (p *pp) elemSep(i, n int) (stop bool) {
	if i > 0 {
		if p.f.sharpV {
			p.buf = append(p.buf, commaSpaceString...)
		} else {
			p.buf = append(p.buf, ' ')
		}
	}
	if p.limit > 0 && i >= p.limit {
		p.buf = append(p.buf, "... ("+strconv.Itoa(n-i)+" more)"...)
		return true
	}
	return false
}
