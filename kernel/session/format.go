package session

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// formatValue prints the value of a cell's final expression the way the
// result is shown: strings quoted, errors as their message, slices and maps
// in Go syntax when their type can be named ([]int{1, 2}), structs with
// field names ({X:1 Y:2}, as %+v does: cells' types have no name at run
// time), pointers to structs as &{X:1 Y:2}.
func formatValue(v any) string {
	var b strings.Builder
	writeValue(&b, reflect.ValueOf(v), 0, true)
	return b.String()
}

const maxFormatDepth = 8

// isNilInterface reports whether v, a cell's final value, is a nil
// interface, including one yaegi wraps.
func isNilInterface(v any) bool {
	u := unwrapInterp(reflect.ValueOf(v))
	return !u.IsValid() || u.Kind() == reflect.Interface && u.IsNil()
}

func writeValue(b *strings.Builder, v reflect.Value, depth int, top bool) {
	v = unwrapInterp(v)
	if !v.IsValid() {
		b.WriteString("nil")
		return
	}
	if depth > maxFormatDepth {
		b.WriteString("...")
		return
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case error:
			if v.Kind() != reflect.Pointer || !v.IsNil() {
				if top {
					b.WriteString(x.Error())
				} else {
					b.WriteString(strconv.Quote(x.Error()))
				}
				return
			}
		case fmt.Stringer:
			if v.Kind() != reflect.Pointer || !v.IsNil() {
				b.WriteString(safeString(x))
				return
			}
		}
	}
	switch v.Kind() {
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		writeValue(b, v.Elem(), depth+1, top)
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if e := v.Elem(); e.Kind() == reflect.Struct || e.Kind() == reflect.Slice || e.Kind() == reflect.Array || e.Kind() == reflect.Map {
			b.WriteByte('&')
			writeValue(b, e, depth+1, false)
			return
		}
		fmt.Fprintf(b, "%#x", v.Pointer())
	case reflect.Struct:
		if name := typeName(v.Type()); name != "" {
			b.WriteString(name)
		}
		b.WriteByte('{')
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t.Field(i).Name)
			b.WriteByte(':')
			writeValue(b, v.Field(i), depth+1, false)
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString(typeName(v.Type()) + "(nil)")
			return
		}
		b.WriteString(typeName(v.Type()))
		b.WriteByte('{')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			if i >= 200 {
				fmt.Fprintf(b, "... (%d more)", v.Len()-i)
				break
			}
			writeValue(b, v.Index(i), depth+1, false)
		}
		b.WriteByte('}')
	case reflect.Map:
		if v.IsNil() {
			b.WriteString(typeName(v.Type()) + "(nil)")
			return
		}
		b.WriteString(typeName(v.Type()))
		b.WriteByte('{')
		keys := v.MapKeys()
		sortValues(keys)
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, k, depth+1, false)
			b.WriteByte(':')
			writeValue(b, v.MapIndex(k), depth+1, false)
		}
		b.WriteByte('}')
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		fmt.Fprintf(b, "(%s)(%#x)", v.Type(), v.Pointer())
	default:
		if v.CanInterface() {
			fmt.Fprint(b, v.Interface())
		} else {
			fmt.Fprint(b, v)
		}
	}
}

// safeString calls String, turning a panic into a message.
func safeString(s fmt.Stringer) (str string) {
	defer func() {
		if r := recover(); r != nil {
			str = fmt.Sprintf("<String method panicked: %v>", r)
		}
	}()
	return s.String()
}

// typeName names a type in Go syntax, or returns "" for a struct type
// without a name (the types a cell declares look like that at run time);
// composite types built on such structs drop the struct part.
func typeName(t reflect.Type) string {
	if t.Name() != "" {
		return t.String()
	}
	switch t.Kind() {
	case reflect.Struct:
		return ""
	case reflect.Slice:
		return "[]" + typeName(t.Elem())
	case reflect.Array:
		return "[" + strconv.Itoa(t.Len()) + "]" + typeName(t.Elem())
	case reflect.Pointer:
		if n := typeName(t.Elem()); n != "" {
			return "*" + n
		}
		return ""
	case reflect.Map:
		return "map[" + typeName(t.Key()) + "]" + typeName(t.Elem())
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any"
		}
	}
	return t.String()
}

// sortValues orders map keys as fmt does for the common key kinds.
func sortValues(keys []reflect.Value) {
	less := func(a, b reflect.Value) bool {
		switch a.Kind() {
		case reflect.String:
			return a.String() < b.String()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return a.Int() < b.Int()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return a.Uint() < b.Uint()
		case reflect.Float32, reflect.Float64:
			return a.Float() < b.Float()
		case reflect.Bool:
			return !a.Bool() && b.Bool()
		}
		return fmt.Sprint(a) < fmt.Sprint(b)
	}
	sort.SliceStable(keys, func(i, j int) bool { return less(keys[i], keys[j]) })
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
