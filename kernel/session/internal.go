package session

import (
	"reflect"
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
