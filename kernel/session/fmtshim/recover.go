package fmtshim

import (
	"errors"
	"reflect"
	"strings"
)

// What recover returns. yaegi v0.16.1's panic builtin panics with the
// reflect.Value of its argument, and its recover hands that reflect.Value
// to the cell: recover() of panic(err) is not an error (r.(error) fails)
// and %T prints reflect.Value. And the interpreter's own runtime errors are
// reflect's panics, in reflect's words: an index out of range is the
// string "reflect: slice index out of range", a nil pointer dereference a
// *reflect.ValueError. Lowering passes every call of recover through
// [Recovered] (lower.TypeTags.Recover), which returns what Go's recover
// returns: the value given to panic, and Go's runtime errors as
// runtime.Error values worded as Go words them (without the index and
// length Go adds to an index out of range: the interpreter does not say
// them).

// Recovered returns the value Go's recover would return for r, what the
// interpreter's recover returned.
func Recovered(r any) any {
	if v, ok := r.(reflect.Value); ok {
		// A panic of interpreted code: its argument.
		if !v.IsValid() || !v.CanInterface() {
			return nil
		}
		if v.Kind() == reflect.Interface && v.IsNil() {
			return nil
		}
		return v.Interface()
	}
	if e := RuntimeError(r); e != nil {
		return e
	}
	return r
}

// RuntimeError returns, when r is a panic value of the interpreter
// standing for one of Go's runtime errors (an index out of range, a nil
// pointer dereference, ...), that runtime error as Go words it, a
// runtime.Error; otherwise nil.
func RuntimeError(r any) error {
	var msg string
	switch v := r.(type) {
	case string:
		msg = v
	case *reflect.ValueError:
		msg = v.Error()
	case error:
		var ve *reflect.ValueError
		if !errors.As(v, &ve) {
			return nil
		}
		msg = v.Error()
	default:
		return nil
	}
	if m := RuntimeMessage(msg); m != msg {
		return runtimeError(m)
	}
	return nil
}

// RuntimeMessage words the interpreter's panic messages that stand for
// Go's runtime errors (reflect's panics) as Go's runtime words them, and
// returns other messages unchanged.
func RuntimeMessage(msg string) string {
	switch msg {
	case "reflect: slice index out of range", "reflect: array index out of range", "reflect: string index out of range":
		return "runtime error: index out of range"
	case "reflect: slice bounds out of range", "reflect.Value.Slice: slice index out of bounds":
		return "runtime error: slice bounds out of range"
	case "reflect: Method on nil interface value", "reflect.Value.Call: call of nil function":
		// A method of a nil interface, a nil function.
		return nilDeref
	}
	if strings.HasPrefix(msg, "reflect: call of reflect.Value.") && strings.HasSuffix(msg, " on zero Value") {
		// yaegi working on the nothing a nil pointer or interface holds:
		// a method of a nil interface value (Interface), a field through a
		// nil pointer (Field), a value method of one (Set), an element of
		// a nil array pointer (Index).
		return nilDeref
	}
	return msg
}

// nilDeref is Go's message for a nil pointer dereference.
const nilDeref = "runtime error: invalid memory address or nil pointer dereference"

// runtimeError is a runtime error of Go that the interpreter raised in
// its own words: a runtime.Error.
type runtimeError string

func (e runtimeError) Error() string { return string(e) }

// RuntimeError marks a runtime.Error.
func (runtimeError) RuntimeError() {}

// concrete is [lower.TypeTags].Concrete: the value an error proxy holds,
// or v.
func concrete(v any) any {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	if isProxyType(rv.Type()) {
		iv, _ := proxyParts(rv)
		if iv.IsValid() {
			return iv.Interface()
		}
	}
	return v
}
