package complete

import (
	"reflect"
	"strings"
)

type reflectValue = reflect.Value

// signature describes a symbol from its reflect value alone, for packages
// whose source is not available.
func signature(name string, v reflect.Value) string {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Func:
		return "func " + name + strings.TrimPrefix(t.String(), "func") + "\n"
	case t.Kind() == reflect.Pointer && v.IsNil():
		// yaegi binds types as nil pointers to them.
		return "type " + name + " " + t.Elem().Kind().String() + "\n"
	case t.Kind() == reflect.Pointer:
		return "var " + name + " " + t.Elem().String() + "\n"
	default:
		return "const " + name + "\n"
	}
}
