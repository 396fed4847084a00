package fmtshim

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// encoding/json and text/template see a value of a struct type declared in a cell as a
// struct whose unexported fields are exported (Xname) and whose embedded
// fields are not embedded (yaegi marks one only when it is the only
// field), and none of its methods. So it encodes fields Go leaves out and
// does not promote the fields of embedded structs. The value is given to it
// as a copy of compiled types instead (reflect.StructOf): the exported
// fields with their tags, embedded fields embedded, and declared
// MarshalJSON and MarshalText methods as compiled ones. Templates get the
// same copy with every field (under yaegi's names) and without methods.

// jsonKey keys the cache of compiled copies of types.
type jsonKey struct {
	rt   reflect.Type
	g    *gtype
	tmpl bool
}

// jsonTypes caches jsonType: jsonKey -> reflect.Type (nil: unchanged).
var jsonTypes sync.Map

// jsonMarshaler is a value of a declared type with a MarshalJSON method.
type jsonMarshaler struct {
	v reflect.Value
	m call
}

func (j jsonMarshaler) MarshalJSON() ([]byte, error) { return marshalResult(j.m()) }

// textMarshaler is a value of a declared type with a MarshalText method.
type textMarshaler struct {
	v reflect.Value
	m call
}

func (t textMarshaler) MarshalText() ([]byte, error) { return marshalResult(t.m()) }

var (
	jsonMarshalerType = reflect.TypeFor[jsonMarshaler]()
	textMarshalerType = reflect.TypeFor[textMarshaler]()
	anyType           = reflect.TypeFor[any]()
	errorType         = reflect.TypeFor[error]()
	_                 = encoding.TextMarshaler(textMarshaler{})
)

// marshalResult reads the ([]byte, any) a registered marshalling method
// returns.
func marshalResult(out []reflect.Value) ([]byte, error) {
	if len(out) != 2 {
		return nil, nil
	}
	b, _ := out[0].Interface().([]byte)
	var err error
	if e := out[1]; e.IsValid() && !(e.Kind() == reflect.Interface && e.IsNil()) {
		err, _ = e.Interface().(error)
	}
	return b, err
}

// JSON returns what to give encoding/json for v so that it encodes it as
// Go would.
func (r *Registry) JSON(v any) any { return r.view(v, false) }

// Template returns what to give text/template and html/template for v so
// that they see the fields of embedded structs, as Go has them.
func (r *Registry) Template(v any) any { return r.view(v, true) }

func (r *Registry) view(v any, tmpl bool) any {
	if plain(v) {
		return v
	}
	rv, g, _ := r.concrete(reflect.ValueOf(v))
	if !rv.IsValid() {
		return nil
	}
	out := r.jsonValue(rv, g, 0, tmpl)
	if !out.IsValid() || !out.CanInterface() {
		return nil
	}
	return out.Interface()
}

// jsonTag is JSON for a value tagged with its static type by lowering
// ((*json.Encoder).Encode's argument).
func (r *Registry) jsonTag(v any, typ string) any { return r.JSON(typed{v, typ}) }

// templateTag is Template for a value tagged with its static type by
// lowering (the data of (*template.Template).Execute).
func (r *Registry) templateTag(v any, typ string) any { return r.Template(typed{v, typ}) }

// Marshal is json.Marshal for cells.
func (r *Registry) Marshal(v any) ([]byte, error) { return json.Marshal(r.JSON(v)) }

// MarshalIndent is json.MarshalIndent for cells.
func (r *Registry) MarshalIndent(v any, prefix, indent string) ([]byte, error) {
	return json.MarshalIndent(r.JSON(v), prefix, indent)
}

// jsonMethod returns the MarshalJSON or MarshalText method of v, and which.
func (r *Registry) jsonMethod(v reflect.Value, g *gtype) (call, reflect.Type) {
	if g == nil {
		return nil, nil
	}
	if m, ok := r.lookupMethod(v, g, "MarshalJSON", nil); ok && (g.e != nil || isPtrGtype(g)) {
		return m, jsonMarshalerType
	}
	if m, ok := r.lookupMethod(v, g, "MarshalText", nil); ok && (g.e != nil || isPtrGtype(g)) {
		return m, textMarshalerType
	}
	return nil, nil
}

// hasJSONMethod reports whether values of type g have declared marshalling
// methods (their copy is a jsonMarshaler or a textMarshaler).
func hasJSONMethod(g *gtype) reflect.Type {
	base := g
	if isPtrGtype(g) {
		base = g.elem
	}
	if base == nil || base.e == nil {
		return nil
	}
	for _, name := range []string{"MarshalJSON", "MarshalText"} {
		if m, ok := base.e.method(name); ok && (!m.ptr || isPtrGtype(g)) {
			if name == "MarshalJSON" {
				return jsonMarshalerType
			}
			return textMarshalerType
		}
	}
	return nil
}

// jsonType returns the compiled type whose values encoding/json encodes as
// Go encodes values of run-time type rt and Go type g, or nil when rt
// itself will do.
func (r *Registry) jsonType(rt reflect.Type, g *gtype, depth int, tmpl bool) reflect.Type {
	if g == nil {
		g = r.typeOfValue(rt)
	}
	if g == nil && classify(rt)&plainValue != 0 || depth > 32 {
		return nil
	}
	key := jsonKey{rt, g, tmpl}
	if t, ok := jsonTypes.Load(key); ok {
		t, _ := t.(reflect.Type)
		return t
	}
	t := r.makeJSONType(rt, g, depth, tmpl)
	jsonTypes.Store(key, t)
	return t
}

func (r *Registry) makeJSONType(rt reflect.Type, g *gtype, depth int, tmpl bool) reflect.Type {
	if t := hasJSONMethod(g); t != nil && !tmpl {
		return t
	}
	if isValueInterface(rt) || isWrapper(rt) {
		return anyType
	}
	switch rt.Kind() {
	case reflect.Pointer:
		if e := r.jsonType(rt.Elem(), elemOf(g), depth+1, tmpl); e != nil {
			return reflect.PointerTo(e)
		}
	case reflect.Slice:
		if rt.Elem().Kind() == reflect.Uint8 {
			return nil // []byte: base64, whatever its name
		}
		if e := r.jsonType(rt.Elem(), elemOf(g), depth+1, tmpl); e != nil {
			return reflect.SliceOf(e)
		}
	case reflect.Array:
		if e := r.jsonType(rt.Elem(), elemOf(g), depth+1, tmpl); e != nil {
			return reflect.ArrayOf(rt.Len(), e)
		}
	case reflect.Map:
		if e := r.jsonType(rt.Elem(), elemOf(g), depth+1, tmpl); e != nil {
			return reflect.MapOf(rt.Key(), e)
		}
	case reflect.Interface:
		return nil
	case reflect.Struct:
		if rt.Name() != "" {
			return nil // compiled
		}
		var fields []reflect.StructField
		for i := 0; i < rt.NumField(); i++ {
			f, ok := r.jsonField(rt, g, i, depth, tmpl)
			if ok {
				fields = append(fields, f)
			}
		}
		return reflect.StructOf(fields)
	}
	return nil
}

// jsonField returns field i of the struct type rt as its compiled copy
// has it; ok is false for a field encoding/json leaves out.
func (r *Registry) jsonField(rt reflect.Type, g *gtype, i, depth int, tmpl bool) (reflect.StructField, bool) {
	sf := rt.Field(i)
	name, exported := fieldName(rt, g, i)
	embedded := g != nil && i < len(g.fields) && g.fields[i].embedded || g == nil && sf.Anonymous
	ft := r.jsonType(sf.Type, fieldType(g, i), depth+1, tmpl)
	if ft == nil {
		ft = sf.Type
	}
	out := reflect.StructField{Name: exportedName(name), Type: ft, Tag: sf.Tag}
	if tmpl {
		out.Name = sf.Name // templates see the names cells can use
	}
	if embedded {
		base := ft
		if base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		if base.Kind() == reflect.Struct && base.NumMethod() == 0 && ft.NumMethod() == 0 {
			// Its exported fields are promoted, exported or not.
			out.Anonymous = true
			return out, true
		}
	}
	return out, exported || tmpl
}

// exportedName returns a field name reflect.StructOf accepts.
func exportedName(name string) string {
	if name == "" || name == "_" {
		return "X_"
	}
	if strings.ToUpper(name[:1]) != name[:1] || name[0] == '_' {
		return "X" + name
	}
	return name
}

// jsonValue returns the compiled copy of v (of type g) encoding/json is to
// get.
func (r *Registry) jsonValue(v reflect.Value, g *gtype, depth int, tmpl bool) reflect.Value {
	if !v.IsValid() {
		return v
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return v
		}
		c := r.jsonValue(v.Elem(), nil, depth, tmpl)
		if !c.IsValid() || !c.Type().AssignableTo(v.Type()) {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(c)
		return out
	}
	if special(v.Type()) {
		raw, dg, _ := r.concrete(v)
		if !raw.IsValid() || raw.Kind() == reflect.Interface && raw.IsNil() {
			return reflect.Zero(anyType)
		}
		return r.jsonValue(raw, dg, depth, tmpl)
	}
	if g == nil {
		g = r.typeOfValue(v.Type())
	}
	t := r.jsonType(v.Type(), g, depth, tmpl)
	if t == nil {
		return v
	}
	switch t {
	case jsonMarshalerType, textMarshalerType:
		m, _ := r.jsonMethod(v, g)
		if m == nil {
			return v
		}
		if t == jsonMarshalerType {
			return reflect.ValueOf(jsonMarshaler{v, m})
		}
		return reflect.ValueOf(textMarshaler{v, m})
	}
	if t == anyType {
		out := reflect.New(anyType).Elem()
		if c := r.jsonValue(v, nil, depth+1, tmpl); c.IsValid() {
			out.Set(c)
		}
		return out
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(t)
		}
		out := reflect.New(t.Elem())
		out.Elem().Set(r.jsonValue(v.Elem(), elemOf(g), depth+1, tmpl))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(t)
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(r.jsonValue(v.Index(i), elemOf(g), depth+1, tmpl))
		}
		return out
	case reflect.Array:
		out := reflect.New(t).Elem()
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(r.jsonValue(v.Index(i), elemOf(g), depth+1, tmpl))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return reflect.Zero(t)
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out.SetMapIndex(iter.Key(), r.jsonValue(iter.Value(), elemOf(g), depth+1, tmpl))
		}
		return out
	case reflect.Struct:
		out := reflect.New(t).Elem()
		j := 0
		for i := 0; i < v.NumField() && j < t.NumField(); i++ {
			if _, ok := r.jsonField(v.Type(), g, i, depth, tmpl); !ok {
				continue
			}
			fv := v.Field(i)
			c := r.jsonValue(fv, fieldType(g, i), depth+1, tmpl)
			if c.IsValid() {
				dst := out.Field(j)
				if c.Type().AssignableTo(dst.Type()) {
					dst.Set(c)
				} else if c.Kind() == reflect.Interface && !c.IsNil() && c.Elem().Type().AssignableTo(dst.Type()) {
					dst.Set(c.Elem())
				}
			}
			j++
		}
		return out
	}
	return v
}
