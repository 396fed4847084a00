package fmtshim

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Kinds of run-time types, cached by classify.
const (
	// plainName: reflect.Type.String is the type's Go name.
	plainName = 1 << iota
	// plainValue: fmt prints values of the type as Go does, with no help
	// (no type declared in a cell and no interface inside).
	plainValue
)

var classes sync.Map // reflect.Type -> int

// classify tells what fmt can do alone with values of type t.
func classify(t reflect.Type) int {
	if c, ok := classes.Load(t); ok {
		return c.(int)
	}
	c := classifyType(t, map[reflect.Type]bool{})
	classes.Store(t, c)
	return c
}

func classifyType(t reflect.Type, visiting map[reflect.Type]bool) int {
	if special(t) {
		return 0
	}
	if t.Name() != "" {
		return plainName | plainValue // compiled: cells cannot name types at run time
	}
	if visiting[t] {
		return plainName | plainValue
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch t.Kind() {
	case reflect.Struct:
		return 0
	case reflect.Interface:
		return plainName
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return classifyType(t.Elem(), visiting)
	case reflect.Map:
		return classifyType(t.Key(), visiting) & classifyType(t.Elem(), visiting)
	case reflect.Func:
		c := plainName | plainValue
		for i := 0; i < t.NumIn(); i++ {
			c &= classifyType(t.In(i), visiting)
		}
		for i := 0; i < t.NumOut(); i++ {
			c &= classifyType(t.Out(i), visiting)
		}
		return c | plainValue // a func prints as its address
	}
	return plainName | plainValue
}

// typeString returns Go's name of the type of values of run-time type rt
// known as g ("main.point", "[]main.point", "struct { x int }").
func (r *Registry) typeString(rt reflect.Type, g *gtype) string {
	if g == nil && classify(rt)&plainName != 0 {
		return rt.String()
	}
	var b strings.Builder
	r.writeType(&b, rt, g, 0)
	return b.String()
}

func (r *Registry) writeType(b *strings.Builder, rt reflect.Type, g *gtype, depth int) {
	if g == nil {
		g = r.typeOfValue(rt)
	}
	if g != nil && g.name != "" {
		b.WriteString(g.name)
		return
	}
	if g == nil && classify(rt)&plainName != 0 {
		b.WriteString(rt.String())
		return
	}
	if depth > 16 {
		b.WriteString("...")
		return
	}
	if isValueInterface(rt) || isWrapper(rt) {
		b.WriteString("interface {}")
		return
	}
	switch rt.Kind() {
	case reflect.Pointer:
		b.WriteByte('*')
		r.writeType(b, rt.Elem(), elemOf(g), depth+1)
	case reflect.Slice:
		b.WriteString("[]")
		r.writeType(b, rt.Elem(), elemOf(g), depth+1)
	case reflect.Array:
		b.WriteString("[" + strconv.Itoa(rt.Len()) + "]")
		r.writeType(b, rt.Elem(), elemOf(g), depth+1)
	case reflect.Map:
		b.WriteString("map[")
		r.writeType(b, rt.Key(), keyOf(g), depth+1)
		b.WriteByte(']')
		r.writeType(b, rt.Elem(), elemOf(g), depth+1)
	case reflect.Chan:
		switch rt.ChanDir() {
		case reflect.RecvDir:
			b.WriteString("<-chan ")
		case reflect.SendDir:
			b.WriteString("chan<- ")
		default:
			b.WriteString("chan ")
		}
		r.writeType(b, rt.Elem(), elemOf(g), depth+1)
	case reflect.Func:
		b.WriteString("func(")
		for i := 0; i < rt.NumIn(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			if rt.IsVariadic() && i == rt.NumIn()-1 {
				b.WriteString("...")
				r.writeType(b, rt.In(i).Elem(), elemOf(inOf(g, i)), depth+1)
				continue
			}
			r.writeType(b, rt.In(i), inOf(g, i), depth+1)
		}
		b.WriteByte(')')
		switch rt.NumOut() {
		case 0:
		case 1:
			b.WriteByte(' ')
			r.writeType(b, rt.Out(0), outOf(g, 0), depth+1)
		default:
			b.WriteString(" (")
			for i := 0; i < rt.NumOut(); i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				r.writeType(b, rt.Out(i), outOf(g, i), depth+1)
			}
			b.WriteByte(')')
		}
	case reflect.Struct:
		if rt.NumField() == 0 {
			b.WriteString("struct {}")
			return
		}
		b.WriteString("struct {")
		for i := 0; i < rt.NumField(); i++ {
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteByte(' ')
			name, _ := fieldName(rt, g, i)
			embedded := g != nil && i < len(g.fields) && g.fields[i].embedded || g == nil && rt.Field(i).Anonymous
			if !embedded {
				b.WriteString(name)
				b.WriteByte(' ')
			}
			r.writeType(b, rt.Field(i).Type, fieldType(g, i), depth+1)
			if tag := rt.Field(i).Tag; tag != "" {
				b.WriteByte(' ')
				b.WriteString(strconv.Quote(string(tag)))
			}
		}
		b.WriteString(" }")
	default:
		b.WriteString(rt.String())
	}
}
