// Package stdlib gives the interpreter the standard library: the symbols of
// yaegi's own stdlib package (github.com/traefik/yaegi/stdlib, generated
// from its files by go generate), with one difference. yaegi builds the
// symbol maps of its 150-odd packages in init functions, some 10,000
// reflect.Values, in every process that links it, before main runs; here
// a package's map is built the first time it is asked for. A worker,
// which runs one function from a notebook, builds only the packages the
// notebook imports, and starts in about half the time.
//
// No package of gopherlab may import yaegi's stdlib package (its init
// would build the maps anyway); TestNoYaegiStdlib checks it.
package stdlib

import (
	"reflect"

	"github.com/traefik/yaegi/interp"
)

//go:generate go run ./internal/gen

// std holds the standard library's packages; the generated files fill it
// from their init functions.
var std Table

// MapTypes maps functions taking an interface{} to the interfaces they
// treat specially (fmt.Println and fmt.Stringer), as yaegi's
// stdlib.MapTypes; Exports and Symbols give it to the interpreter under
// the key ".".
var MapTypes = map[reflect.Value][]reflect.Type{}

// Keys returns the key of every package, sorted: its import path, a slash
// and its name ("fmt/fmt", "math/rand/v2/rand").
func Keys() []string { return std.Keys() }

// Package returns the symbols of the package with key, building them on
// the first call; nil if there is no such package. The map is shared:
// callers must not modify it. It is safe for concurrent use.
func Package(key string) map[string]reflect.Value { return std.Package(key) }

// Forget drops the symbol maps built so far (see [Table.Forget]).
func Forget() { std.Forget() }

// KeyOf returns the key of the package with import path p, or "" if there
// is none.
func KeyOf(p string) string { return std.KeyOf(p) }

// Exports returns the symbols of the packages with the import paths
// given (unknown ones are left out), keyed as yaegi expects them, and
// MapTypes under ".".
func Exports(paths ...string) interp.Exports {
	exports := std.Exports(paths...)
	exports["."] = mapTypes()
	return exports
}

// Symbols returns the symbols of every package, keyed as yaegi expects
// them, and MapTypes under ".": what yaegi's stdlib.Symbols holds. Giving
// them to an interpreter with Use loads the whole standard library,
// including the generic packages yaegi interprets from source (Use does
// that when it sees the key "fmt/fmt").
func Symbols() interp.Exports {
	exports := std.All()
	exports["."] = mapTypes()
	return exports
}

func mapTypes() map[string]reflect.Value {
	return map[string]reflect.Value{"MapTypes": reflect.ValueOf(MapTypes)}
}
