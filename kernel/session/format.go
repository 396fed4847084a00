package session

import (
	"reflect"
)

// isNilInterface reports whether v, a cell's final value, is a nil
// interface, including one yaegi wraps.
func isNilInterface(v any) bool {
	u := unwrapInterp(reflect.ValueOf(v))
	return !u.IsValid() || u.Kind() == reflect.Interface && u.IsNil()
}

// unwrapInterp returns the value inside yaegi's wrapper for interpreted
// values with methods (interp.valueInterface), or v itself.
func unwrapInterp(v reflect.Value) reflect.Value {
	for v.IsValid() && v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() || v.Kind() != reflect.Struct || v.Type().Name() != "valueInterface" ||
		v.Type().PkgPath() != "github.com/traefik/yaegi/interp" {
		return v
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	f, ok := unexported(c, "value")
	if !ok {
		return v
	}
	inner, ok := f.Interface().(reflect.Value)
	if !ok {
		return v
	}
	return inner
}
