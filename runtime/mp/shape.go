package mp

import (
	"encoding"
	"encoding/gob"
	"fmt"
	"os"
	"reflect"
	"sync"
)

// A shape describes the structure of a copied value's type: kinds, array
// lengths, struct fields in order with their names, element types. It
// travels before the value (copy.go), so that the receiver can decode into
// a type of its own that has the same structure — the interpreter's
// unnamed struct types in one process and the same notebook's types in
// another, or a compiled program's — and say clearly what differs when the
// structures do not match.
//
// A shape is encoded as a tag byte and the tag's fields. Numbers, bool and
// string are their reflect.Kind; struct types are numbered in the order
// they first appear in the shape, so that a recursive type refers back to
// itself with shapeRef.
type shape struct {
	tag    byte
	n      int    // array length; struct number for shapeRef
	name   string // shared kind or marshalled type
	elem   *shape // array, slice, pointer, map value
	key    *shape // map key
	fields []shapeField
}

type shapeField struct {
	name string
	s    *shape
}

// Shape tags beyond the reflect.Kind values (1 to 26) used for the others.
const (
	shapeShared  = 32 // an mp object shared between processes: name is its type
	shapeMarshal = 33 // a compiled type that marshals itself (time.Time): name is its type
	shapeRef     = 34 // a struct type described earlier in the shape: n is its number
	shapeFile    = 35 // *os.File: the standard streams only
)

var (
	fileType          = reflect.TypeOf((*os.File)(nil))
	binaryMarshaler   = reflect.TypeOf((*encoding.BinaryMarshaler)(nil)).Elem()
	binaryUnmarshaler = reflect.TypeOf((*encoding.BinaryUnmarshaler)(nil)).Elem()
	gobEncoder        = reflect.TypeOf((*gob.GobEncoder)(nil)).Elem()
	gobDecoder        = reflect.TypeOf((*gob.GobDecoder)(nil)).Elem()
)

// marshals reports whether values of t are copied with their own
// MarshalBinary (or GobEncode) and UnmarshalBinary (GobDecode) methods:
// named compiled types of other packages, whose unexported fields may hold
// what only their package knows how to rebuild (time.Time's location,
// big.Int's words).
func marshals(t reflect.Type) bool {
	named := t
	if t.Kind() == reflect.Pointer {
		named = t.Elem()
	}
	if named.Name() == "" || named.PkgPath() == "" || named.PkgPath() == "main" {
		return false
	}
	pt := reflect.PointerTo(t)
	if t.Kind() == reflect.Pointer {
		pt = t
	}
	return t.Implements(binaryMarshaler) && pt.Implements(binaryUnmarshaler) ||
		t.Implements(gobEncoder) && pt.Implements(gobDecoder)
}

// A typeClass says how values of a type are copied, when not by their kind.
type typeClass uint8

const (
	classKind    typeClass = iota // by kind: numbers, strings, slices, structs, ...
	classShared                   // a shared object (*Lock, *Queue, ...)
	classFile                     // *os.File
	classMarshal                  // a compiled type that marshals itself
	classBox                      // an interface value the interpreter keeps in a struct
)

var classes sync.Map // shapeKey -> typeClass

// classify returns the class of t; boxed tells which struct types are an
// interpreter's interface values (nil: none).
func classify(t reflect.Type, boxed func(reflect.Type) bool) typeClass {
	key := shapeKey{t, boxed != nil}
	if c, ok := classes.Load(key); ok {
		return c.(typeClass)
	}
	c := classKind
	switch {
	case t.Implements(sharerType):
		c = classShared
	case t == fileType:
		c = classFile
	case marshals(t):
		c = classMarshal
	case t.Kind() == reflect.Struct && boxed != nil && boxed(t):
		c = classBox
	}
	classes.Store(key, c)
	return c
}

// shapes caches the encoded shape of each type, which depends only on the
// type (and on whether the launcher's interpreter boxes it, which does not
// change for a type).
var shapes sync.Map // shapeKey -> []byte

type shapeKey struct {
	t   reflect.Type
	box bool // the launcher boxes interface values of some types
}

// shapeOf returns the encoded shape of t. boxed tells which struct types
// are an interpreter's representation of interface values (nil: none).
func shapeOf(t reflect.Type, boxed func(reflect.Type) bool) []byte {
	key := shapeKey{t, boxed != nil}
	if b, ok := shapes.Load(key); ok {
		return b.([]byte)
	}
	w := shapeWriter{structs: map[reflect.Type]int{}, boxed: boxed}
	w.write(t)
	shapes.Store(key, w.e.b)
	return w.e.b
}

type shapeWriter struct {
	e       encoder
	structs map[reflect.Type]int
	boxed   func(reflect.Type) bool
}

func (w *shapeWriter) write(t reflect.Type) {
	switch classify(t, w.boxed) {
	case classShared:
		w.e.b = append(w.e.b, shapeShared)
		w.e.string(t.String())
		return
	case classFile:
		w.e.b = append(w.e.b, shapeFile)
		return
	case classMarshal:
		w.e.b = append(w.e.b, shapeMarshal)
		w.e.string(t.String())
		return
	case classBox:
		w.e.b = append(w.e.b, byte(reflect.Interface))
		return
	}
	k := t.Kind()
	switch k {
	case reflect.Array:
		w.e.b = append(w.e.b, byte(k))
		w.e.uint(uint64(t.Len()))
		w.write(t.Elem())
	case reflect.Slice, reflect.Pointer:
		w.e.b = append(w.e.b, byte(k))
		w.write(t.Elem())
	case reflect.Map:
		w.e.b = append(w.e.b, byte(k))
		w.write(t.Key())
		w.write(t.Elem())
	case reflect.Struct:
		if n, ok := w.structs[t]; ok {
			w.e.b = append(w.e.b, shapeRef)
			w.e.uint(uint64(n))
			return
		}
		w.structs[t] = len(w.structs)
		w.e.b = append(w.e.b, byte(k))
		w.e.uint(uint64(t.NumField()))
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			w.e.string(f.Name)
			w.write(f.Type)
		}
	default:
		w.e.b = append(w.e.b, byte(k))
	}
}

// parsedShapes caches parsed shapes by their encoding.
var parsedShapes sync.Map // string -> *shape

// parseShape decodes an encoded shape.
func parseShape(b []byte) (*shape, error) {
	if s, ok := parsedShapes.Load(string(b)); ok {
		return s.(*shape), nil
	}
	p := shapeParser{d: decoder{b: b}}
	s := p.read(0)
	if err := p.d.done(); err != nil {
		return nil, fmt.Errorf("bad type description: %w", err)
	}
	for _, r := range p.refs {
		if r.n >= len(p.structs) {
			return nil, fmt.Errorf("bad type description: reference to struct %d of %d", r.n, len(p.structs))
		}
		r.elem = p.structs[r.n]
	}
	parsedShapes.Store(string(b), s)
	return s, nil
}

type shapeParser struct {
	d       decoder
	structs []*shape
	refs    []*shape
}

// maxShapeDepth bounds the nesting of a shape, so that a malicious or
// corrupt one cannot exhaust the stack.
const maxShapeDepth = 200

func (p *shapeParser) read(depth int) *shape {
	if depth > maxShapeDepth {
		p.d.fail()
		return &shape{}
	}
	if len(p.d.b) == 0 {
		p.d.fail()
		return &shape{}
	}
	s := &shape{tag: p.d.b[0]}
	p.d.b = p.d.b[1:]
	switch s.tag {
	case shapeShared, shapeMarshal:
		s.name = p.d.string()
	case shapeFile:
	case shapeRef:
		s.n = int(p.d.uint())
		p.refs = append(p.refs, s)
	case byte(reflect.Array):
		n := p.d.uint()
		if n > 1<<40 {
			p.d.fail()
		}
		s.n = int(n)
		s.elem = p.read(depth + 1)
	case byte(reflect.Slice), byte(reflect.Pointer):
		s.elem = p.read(depth + 1)
	case byte(reflect.Map):
		s.key = p.read(depth + 1)
		s.elem = p.read(depth + 1)
	case byte(reflect.Struct):
		p.structs = append(p.structs, s)
		n := p.d.len()
		s.fields = make([]shapeField, 0, min(n, 64))
		for i := 0; i < n && p.d.err == nil; i++ {
			name := p.d.string()
			s.fields = append(s.fields, shapeField{name, p.read(depth + 1)})
		}
	default:
		if s.tag == 0 || s.tag > byte(reflect.UnsafePointer) {
			p.d.fail()
		}
	}
	return s
}

// empty reports whether a value of shape s may take no bytes at all (a
// struct or array of nothing), so that a count of them is not bounded by
// the bytes left in the message.
func (s *shape) empty() bool {
	switch s.tag {
	case shapeRef:
		return false // a recursive struct holds a pointer, slice or map
	case byte(reflect.Array):
		return s.n == 0 || s.elem.empty()
	case byte(reflect.Struct):
		for _, f := range s.fields {
			if !f.s.empty() {
				return false
			}
		}
		return true
	}
	return false
}

// describe names the shape's kind for messages: "a string", "a struct of
// 3 fields", "a pointer".
func (s *shape) describe() string {
	switch s.tag {
	case shapeShared:
		return "a shared " + s.name
	case shapeMarshal:
		return "a " + s.name
	case shapeFile:
		return "an *os.File"
	case shapeRef, byte(reflect.Struct):
		return "a struct"
	case byte(reflect.Array):
		return fmt.Sprintf("an array of %d", s.n)
	}
	return kindArticle(reflect.Kind(s.tag))
}

// kindArticle names a kind with its article: "an int", "a slice".
func kindArticle(k reflect.Kind) string {
	name := k.String()
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Interface, reflect.Array, reflect.UnsafePointer:
		return "an " + name
	}
	return "a " + name
}

// fieldName is a struct field's name as the program wrote it: the
// interpreter (yaegi) exports the fields of the struct types it builds by
// prefixing unexported names with X, so "Xcount" there is "count" in a
// compiled program.
func fieldName(name string) string {
	if len(name) > 1 && name[0] == 'X' && (name[1] >= 'a' && name[1] <= 'z' || name[1] == '_') {
		return name[1:]
	}
	return name
}

// plainKind reports whether values of kind k are fixed-size bytes with no
// pointers (numbers and bools), which slices and arrays copy in bulk.
func plainKind(k reflect.Kind) bool {
	return k >= reflect.Bool && k <= reflect.Complex128
}
