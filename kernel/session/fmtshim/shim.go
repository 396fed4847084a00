package fmtshim

import (
	"fmt"
	"io"
	"reflect"

	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/session/lower"
)

// ImportPath is the path under which interpreted code imports this
// package's functions; [Prelude] imports it as [Name].
const (
	ImportPath = "gopherlab/fmtshim"
	Name       = "__glfmt"
)

// TypeTags are the names of the functions lowering passes static types to
// (see lower.SetTypeTags), as [Prelude] imports them.
var TypeTags = lower.TypeTags{Tag: Name + ".T", Error: Name + ".E", JSON: Name + ".J", Template: Name + ".V",
	Formatter: Name + ".F", Errorer: Name + ".R", Stringer: Name + ".S", Recover: Name + ".Rc", Concrete: Name + ".C"}

// Prelude is the import to evaluate once in an interpreter given
// [Shim.Exports], before code that [Registrations] or lowering produced.
const Prelude = `import ` + Name + ` "` + ImportPath + `"`

// Shim gives one interpreter fmt, errors and the printing of values with
// Go's names for the types its cells declare. Its methods are safe for
// concurrent use.
type Shim struct {
	r      *Registry
	stdout io.Writer
}

// New returns a Shim whose fmt.Print, Printf and Println write to stdout.
func New(stdout io.Writer) *Shim {
	return &Shim{r: NewRegistry(), stdout: stdout}
}

// Exports returns the symbols to give the interpreter with Use, after the
// standard library: package fmt's printing functions and Errorf, errors'
// Is, As, Unwrap and Join, and the functions [Prelude] imports.
func (sh *Shim) Exports() interp.Exports {
	r := sh.r
	f := map[string]reflect.Value{
		"Print":    reflect.ValueOf(func(a ...any) (int, error) { return sh.fprint(sh.stdout, a) }),
		"Printf":   reflect.ValueOf(func(format string, a ...any) (int, error) { return sh.fprintf(sh.stdout, format, a) }),
		"Println":  reflect.ValueOf(func(a ...any) (int, error) { return sh.fprintln(sh.stdout, a) }),
		"Fprint":   reflect.ValueOf(func(w io.Writer, a ...any) (int, error) { return sh.fprint(w, a) }),
		"Fprintf":  reflect.ValueOf(func(w io.Writer, format string, a ...any) (int, error) { return sh.fprintf(w, format, a) }),
		"Fprintln": reflect.ValueOf(func(w io.Writer, a ...any) (int, error) { return sh.fprintln(w, a) }),
		"Sprint":   reflect.ValueOf(sh.Sprint),
		"Sprintf":  reflect.ValueOf(sh.Sprintf),
		"Sprintln": reflect.ValueOf(sh.Sprintln),
		"Append":   reflect.ValueOf(sh.appendv),
		"Appendf":  reflect.ValueOf(sh.appendf),
		"Appendln": reflect.ValueOf(sh.appendln),
		"Errorf":   reflect.ValueOf(r.Errorf),
	}
	// These functions are not in yaegi's MapTypes, unlike fmt's own: yaegi
	// passes the values themselves, not wrappers implementing fmt.Stringer,
	// whose IValue it fills wrongly for structs (the last field's value).
	return interp.Exports{
		// Not the key "fmt/fmt": yaegi would load the standard library's
		// generic sources again and replace Print, Printf and Println.
		"fmt/./fmt": f,
		"encoding/json/json": {
			"Marshal":       reflect.ValueOf(r.Marshal),
			"MarshalIndent": reflect.ValueOf(r.MarshalIndent),
		},
		// errors' functions keep their signatures (a cell may spread a
		// []error into Join): lowering makes errors of the values of
		// declared types given to them (lower.TypeTags.Error).
		"errors/errors": {
			"Is":     reflect.ValueOf(func(err, target error) bool { return r.Is(err, target) }),
			"As":     reflect.ValueOf(func(err error, target any) bool { return r.As(err, target) }),
			"Unwrap": reflect.ValueOf(func(err error) error { return r.Unwrap(err) }),
			"Join":   reflect.ValueOf(r.joinErrors),
		},
		ImportPath + "/fmtshim": {
			"Register": reflect.ValueOf(sh.register),
			"T":        reflect.ValueOf(tag),
			"E":        reflect.ValueOf(r.errorOf),
			"J":        reflect.ValueOf(r.jsonTag),
			"V":        reflect.ValueOf(r.templateTag),
			// yaegi passes these a wrapper with the method.
			"F": reflect.ValueOf(func(v fmt.Formatter) any { return v }),
			"R": reflect.ValueOf(func(v error) any { return v }),
			"S": reflect.ValueOf(func(v fmt.Stringer) any { return v }),
			// Every recover() is Rc(recover()).
			"Rc": reflect.ValueOf(Recovered),
			"C":  reflect.ValueOf(concrete),
		},
	}
}

// register is what registration code calls (see [Registrations]): types
// holds triples (name, nil *T, underlying type), methods quadruples (type
// name, method name, pointer receiver, function).
func (sh *Shim) register(types, methods []any) int {
	for i := 0; i+2 < len(types); i += 3 {
		name, _ := types[i].(string)
		under, _ := types[i+2].(string)
		ptr := reflect.ValueOf(types[i+1])
		if ptr.IsValid() && isValueInterface(ptr.Type()) {
			// yaegi makes an interface value of a pointer to a type
			// with pointer methods.
			ptr, _, _ = valueInterfaceParts(ptr)
		}
		if t := typeOf(ptr); t != nil && t.Kind() == reflect.Pointer {
			sh.r.declare(name, t.Elem(), under)
		}
	}
	for i := 0; i+3 < len(methods); i += 4 {
		typ, _ := methods[i].(string)
		name, _ := methods[i+1].(string)
		ptr, _ := methods[i+2].(bool)
		sh.r.addMethod(typ, name, ptr, reflect.ValueOf(methods[i+3]))
	}
	return 0
}

func typeOf(v reflect.Value) reflect.Type {
	if !v.IsValid() {
		return nil
	}
	return v.Type()
}

// tag is [T]: v with the type lowering saw for it, as a cell writes it.
func tag(v any, typ string) any { return typed{v, typ} }

func (sh *Shim) fprint(w io.Writer, a []any) (int, error) {
	if allPlain(a) {
		return fmt.Fprint(w, a...)
	}
	p := newPrinter(sh.r)
	p.doPrint(a)
	n, err := w.Write(p.buf)
	p.free()
	return n, err
}

func (sh *Shim) fprintf(w io.Writer, format string, a []any) (int, error) {
	if allPlain(a) {
		return fmt.Fprintf(w, format, a...)
	}
	p := newPrinter(sh.r)
	p.doPrintf(format, a)
	n, err := w.Write(p.buf)
	p.free()
	return n, err
}

func (sh *Shim) fprintln(w io.Writer, a []any) (int, error) {
	if allPlain(a) {
		return fmt.Fprintln(w, a...)
	}
	p := newPrinter(sh.r)
	p.doPrintln(a)
	n, err := w.Write(p.buf)
	p.free()
	return n, err
}

// Sprint is fmt.Sprint for cells.
func (sh *Shim) Sprint(a ...any) string {
	if allPlain(a) {
		return fmt.Sprint(a...)
	}
	p := newPrinter(sh.r)
	p.doPrint(a)
	s := string(p.buf)
	p.free()
	return s
}

// Sprintf is fmt.Sprintf for cells.
func (sh *Shim) Sprintf(format string, a ...any) string {
	if allPlain(a) {
		return fmt.Sprintf(format, a...)
	}
	p := newPrinter(sh.r)
	p.doPrintf(format, a)
	s := string(p.buf)
	p.free()
	return s
}

// Sprintln is fmt.Sprintln for cells.
func (sh *Shim) Sprintln(a ...any) string {
	if allPlain(a) {
		return fmt.Sprintln(a...)
	}
	p := newPrinter(sh.r)
	p.doPrintln(a)
	s := string(p.buf)
	p.free()
	return s
}

func (sh *Shim) appendv(b []byte, a ...any) []byte {
	if allPlain(a) {
		return fmt.Append(b, a...)
	}
	p := newPrinter(sh.r)
	p.doPrint(a)
	b = append(b, p.buf...)
	p.free()
	return b
}

func (sh *Shim) appendf(b []byte, format string, a ...any) []byte {
	if allPlain(a) {
		return fmt.Appendf(b, format, a...)
	}
	p := newPrinter(sh.r)
	p.doPrintf(format, a)
	b = append(b, p.buf...)
	p.free()
	return b
}

func (sh *Shim) appendln(b []byte, a ...any) []byte {
	if allPlain(a) {
		return fmt.Appendln(b, a...)
	}
	p := newPrinter(sh.r)
	p.doPrintln(a)
	b = append(b, p.buf...)
	p.free()
	return b
}
