package mp

import (
	"encoding"
	"encoding/gob"
	"errors"
	"fmt"
	"go/token"
	"math"
	"os"
	"reflect"
	"strings"
	"sync"
	"unsafe"
)

// valueDecoder decodes what a valueEncoder wrote (copy.go) into values of
// this process's types, checking that their structure matches the shapes
// that came with them.
type valueDecoder struct {
	d      decoder
	ns     Namespace
	boxer  Boxer
	boxed  func(reflect.Type) bool
	ptrs   []reflect.Value
	shares []any
	bulk   []byte // the message's bulk file, mapped (see valueEncoder.raw)
	root   string
	path   []pathElem
}

func newValueDecoder(b []byte, ns Namespace) *valueDecoder {
	r := &valueDecoder{d: decoder{b: b}, ns: ns}
	if bx, ok := ns.(Boxer); ok {
		r.boxer, r.boxed = bx, bx.Boxed
	}
	return r
}

// where names the value being decoded, for messages.
func (r *valueDecoder) where() string {
	w := valueEncoder{root: r.root, path: r.path}
	return w.where()
}

// errorf returns an error about the value being decoded.
func (r *valueDecoder) errorf(format string, args ...any) error {
	return fmt.Errorf("mp: %s: %s", r.where(), fmt.Sprintf(format, args...))
}

// mismatch reports a value whose structure differs between the processes.
func (r *valueDecoder) mismatch(s *shape, t reflect.Type) error {
	return r.errorf("the sending process has %s, this one %s (%s): are both running the same declarations?", s.describe(), kindArticle(t.Kind()), t)
}

// item decodes an item (shape and value) into dst, which must be settable.
func (r *valueDecoder) item(root string, dst reflect.Value) error {
	r.root, r.path = root, r.path[:0]
	s, err := parseShape(r.d.view(r.d.uint()))
	if r.d.err != nil {
		return r.errorf("truncated message")
	}
	if err != nil {
		return r.errorf("%v", err)
	}
	if err := r.value(s, dst); err != nil {
		return err
	}
	if r.d.err != nil {
		return r.errorf("truncated message")
	}
	return nil
}

// global decodes an item into the variable dst (addressable), mirroring
// valueEncoder.global.
func (r *valueDecoder) global(name string, dst reflect.Value) error {
	r.ptrs = append(r.ptrs, dst.Addr())
	return r.item(name, dst)
}

// settable returns v, reached through an unexported field, as a value that
// can be set (v is addressable: decoding fills new variables).
func settable(v reflect.Value) reflect.Value {
	if v.CanSet() {
		return v
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// value decodes a value of shape s into v (settable).
func (r *valueDecoder) value(s *shape, v reflect.Value) error {
	if r.d.err != nil {
		return nil // item reports it
	}
	if s.tag == shapeRef {
		s = s.elem
	}
	t := v.Type()
	c := classify(t, r.boxed)
	switch s.tag {
	case shapeShared:
		if c != classShared {
			return r.mismatch(s, t)
		}
		return r.shared(v)
	case shapeFile:
		if c != classFile {
			return r.mismatch(s, t)
		}
		switch r.d.uint() {
		case 1:
			v.Set(reflect.ValueOf(os.Stdin))
		case 2:
			v.Set(reflect.ValueOf(os.Stdout))
		case 3:
			v.Set(reflect.ValueOf(os.Stderr))
		}
		return nil
	case shapeMarshal:
		if c != classMarshal || t.String() != s.name {
			return r.mismatch(s, t)
		}
		return r.unmarshal(v)
	case byte(reflect.Interface):
		switch {
		case c == classBox:
			return r.iface(v, true)
		case t.Kind() == reflect.Interface:
			return r.iface(v, false)
		case c == classKind:
			return r.unwrap(v) // an item received into a variable of its type
		}
		return r.mismatch(s, t)
	}
	if c != classKind {
		return r.mismatch(s, t)
	}
	k := t.Kind()
	if plainKind(reflect.Kind(s.tag)) {
		if !plainKind(k) || (s.tag == byte(reflect.Bool)) != (k == reflect.Bool) {
			return r.mismatch(s, t)
		}
		return r.scalar(reflect.Kind(s.tag), v)
	}
	if byte(k) != s.tag {
		return r.mismatch(s, t)
	}
	switch k {
	case reflect.String:
		v.SetString(string(r.d.view(r.d.uint())))
	case reflect.Pointer:
		return r.pointer(s, v)
	case reflect.Slice:
		n := r.d.uint()
		if n == 0 {
			v.SetZero()
			return nil
		}
		n--
		if plainKind(reflect.Kind(s.elem.tag)) {
			if n > uint64(len(r.d.b)+len(r.bulk)) {
				r.d.fail()
				return nil
			}
			return r.plainElems(s.elem, v, int(n), true)
		}
		if !s.elem.empty() && n > uint64(len(r.d.b)) || n > 1<<30 {
			r.d.fail()
			return nil
		}
		v.Set(reflect.MakeSlice(t, int(n), int(n)))
		return r.elems(s.elem, v, int(n))
	case reflect.Array:
		if v.Len() != s.n {
			return r.errorf("the sending process has an array of %d, this one of %d (%s)", s.n, v.Len(), t)
		}
		if plainKind(reflect.Kind(s.elem.tag)) {
			return r.plainElems(s.elem, v, v.Len(), false)
		}
		return r.elems(s.elem, v, v.Len())
	case reflect.Map:
		return r.mapValue(s, v)
	case reflect.Struct:
		return r.structValue(s, v)
	case reflect.Func:
		return r.fn(v)
	case reflect.Chan, reflect.UnsafePointer:
		r.d.uint() // nothing crosses: the zero value stays
	default:
		return r.mismatch(s, t)
	}
	return nil
}

// scalar decodes a number or bool written as kind k into v, converting
// between numeric types as a constant would: the value must fit.
func (r *valueDecoder) scalar(k reflect.Kind, v reflect.Value) error {
	switch k {
	case reflect.Bool:
		v.SetBool(r.d.bool())
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.setNumber(v, reflect.ValueOf(r.d.int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return r.setNumber(v, reflect.ValueOf(r.d.uint()))
	case reflect.Float32, reflect.Float64:
		return r.setNumber(v, reflect.ValueOf(math.Float64frombits(r.d.fixed64())))
	default:
		re, im := math.Float64frombits(r.d.fixed64()), math.Float64frombits(r.d.fixed64())
		return r.setNumber(v, reflect.ValueOf(complex(re, im)))
	}
}

// setNumber stores the number x (int64, uint64, float64 or complex128) in
// v, of the same or another numeric kind, if it survives the conversion.
func (r *valueDecoder) setNumber(v, x reflect.Value) error {
	t := v.Type()
	if x.Kind() == reflect.Complex128 && !(t.Kind() == reflect.Complex64 || t.Kind() == reflect.Complex128) {
		return r.errorf("the sending process has a complex number, this one %s", t)
	}
	if !x.CanConvert(t) {
		return r.errorf("the sending process has %s, this one %s", kindArticle(x.Kind()), t)
	}
	c := x.Convert(t)
	exact := c.Convert(x.Type()).Equal(x)
	if k := t.Kind(); k == reflect.Float32 || k == reflect.Complex64 {
		exact = true // rounded, as a constant would be
	}
	if !exact && !(x.Kind() == reflect.Float64 && math.IsNaN(x.Float())) {
		return r.errorf("%v does not fit in %s", x, t)
	}
	v.Set(c)
	return nil
}

// plainElems decodes the n elements of a slice (make: v is a slice to
// make) or array of numbers or bools, copied as their memory.
func (r *valueDecoder) plainElems(es *shape, v reflect.Value, n int, make bool) error {
	h := r.d.uint()
	var b []byte
	inBulk := h&1 == 1
	if inBulk {
		off := r.d.uint()
		if off > uint64(len(r.bulk)) || h>>1 > uint64(len(r.bulk))-off {
			r.d.fail()
			return nil
		}
		b = r.bulk[off : off+h>>1 : off+h>>1]
	} else {
		b = r.d.view(h >> 1)
	}
	if r.d.err != nil {
		return nil
	}
	t := v.Type()
	size := kindSize(reflect.Kind(es.tag))
	if len(b) != n*size {
		r.d.fail()
		return nil
	}
	et := t.Elem()
	if make && inBulk && et.Kind() == reflect.Kind(es.tag) && n > 0 {
		// The slice uses the mapping, copy-on-write: nothing is copied.
		v.Set(reflect.SliceAt(et, unsafe.Pointer(&b[0]), n).Convert(t))
		return nil
	}
	if make {
		v.Set(reflect.MakeSlice(t, n, n))
	}
	if et.Kind() == reflect.Kind(es.tag) {
		if n > 0 {
			dst := v.Index(0).Addr().UnsafePointer()
			copy(unsafe.Slice((*byte)(dst), len(b)), b)
		}
		return nil
	}
	if !plainKind(et.Kind()) || (es.tag == byte(reflect.Bool)) != (et.Kind() == reflect.Bool) {
		return r.mismatch(es, et)
	}
	// Another numeric type: convert each element.
	r.path = append(r.path, pathElem{})
	defer func() { r.path = r.path[:len(r.path)-1] }()
	for i := 0; i < n; i++ {
		r.path[len(r.path)-1].index = i
		x := rawNumber(reflect.Kind(es.tag), b[i*size:])
		if err := r.setNumber(settable(v.Index(i)), x); err != nil {
			return err
		}
	}
	return nil
}

// kindSize returns the size of a number or bool of kind k.
func kindSize(k reflect.Kind) int {
	switch k {
	case reflect.Bool, reflect.Int8, reflect.Uint8:
		return 1
	case reflect.Int16, reflect.Uint16:
		return 2
	case reflect.Int32, reflect.Uint32, reflect.Float32:
		return 4
	case reflect.Complex128:
		return 16
	}
	return 8
}

// rawNumber reads a number of kind k from the memory b of an element.
func rawNumber(k reflect.Kind, b []byte) reflect.Value {
	p := unsafe.Pointer(&b[0])
	switch k {
	case reflect.Int8:
		return reflect.ValueOf(int64(*(*int8)(p)))
	case reflect.Int16:
		return reflect.ValueOf(int64(*(*int16)(p)))
	case reflect.Int32:
		return reflect.ValueOf(int64(*(*int32)(p)))
	case reflect.Int, reflect.Int64:
		return reflect.ValueOf(*(*int64)(p))
	case reflect.Uint8:
		return reflect.ValueOf(uint64(*(*uint8)(p)))
	case reflect.Uint16:
		return reflect.ValueOf(uint64(*(*uint16)(p)))
	case reflect.Uint32:
		return reflect.ValueOf(uint64(*(*uint32)(p)))
	case reflect.Float32:
		return reflect.ValueOf(float64(*(*float32)(p)))
	case reflect.Float64:
		return reflect.ValueOf(*(*float64)(p))
	case reflect.Complex64:
		return reflect.ValueOf(complex128(*(*complex64)(p)))
	case reflect.Complex128:
		return reflect.ValueOf(*(*complex128)(p))
	}
	return reflect.ValueOf(*(*uint64)(p))
}

// elems decodes n elements of a slice or array.
func (r *valueDecoder) elems(es *shape, v reflect.Value, n int) error {
	r.path = append(r.path, pathElem{})
	for i := 0; i < n && r.d.err == nil; i++ {
		r.path[len(r.path)-1].index = i
		if err := r.value(es, settable(v.Index(i))); err != nil {
			return err
		}
	}
	r.path = r.path[:len(r.path)-1]
	return nil
}

func (r *valueDecoder) mapValue(s *shape, v reflect.Value) error {
	n := r.d.uint()
	if n == 0 {
		v.SetZero()
		return nil
	}
	n--
	if n > uint64(len(r.d.b)) && !(s.key.empty() && n == 1) {
		r.d.fail()
		return nil
	}
	t := v.Type()
	m := reflect.MakeMapWithSize(t, int(n))
	r.path = append(r.path, pathElem{key: true})
	for i := uint64(0); i < n && r.d.err == nil; i++ {
		k := reflect.New(t.Key()).Elem()
		if err := r.value(s.key, k); err != nil {
			return err
		}
		e := reflect.New(t.Elem()).Elem()
		if err := r.value(s.elem, e); err != nil {
			return err
		}
		if r.d.err == nil {
			m.SetMapIndex(k, e)
		}
	}
	r.path = r.path[:len(r.path)-1]
	v.Set(m)
	return nil
}

func (r *valueDecoder) structValue(s *shape, v reflect.Value) error {
	t := v.Type()
	if t.NumField() != len(s.fields) {
		return r.errorf("the sending process has a struct of %d fields (%s), this one %s of %d: are both running the same declarations?",
			len(s.fields), fieldList(s), t, t.NumField())
	}
	for i, f := range s.fields {
		if fieldName(f.name) != fieldName(t.Field(i).Name) {
			return r.errorf("the sending process has a struct with fields %s, this one %s: are both running the same declarations?",
				fieldList(s), t)
		}
	}
	for i, f := range s.fields {
		r.path = append(r.path, pathElem{field: t.Field(i).Name})
		if err := r.value(f.s, settable(v.Field(i))); err != nil {
			return err
		}
		r.path = r.path[:len(r.path)-1]
	}
	return nil
}

// fieldList lists the fields of a struct shape: "{x, y}".
func fieldList(s *shape) string {
	names := make([]string, len(s.fields))
	for i, f := range s.fields {
		names[i] = fieldName(f.name)
	}
	return "{" + strings.Join(names, ", ") + "}"
}

func (r *valueDecoder) pointer(s *shape, v reflect.Value) error {
	t := v.Type()
	switch n := r.d.uint(); {
	case n == 0:
		v.SetZero()
	case n == 1:
		p := reflect.New(t.Elem())
		r.ptrs = append(r.ptrs, p)
		if err := r.value(s.elem, p.Elem()); err != nil {
			return err
		}
		v.Set(p.Convert(t))
	default:
		if n-2 >= uint64(len(r.ptrs)) {
			r.d.fail()
			return nil
		}
		p := r.ptrs[n-2]
		if !p.Type().ConvertibleTo(t) {
			return r.errorf("the sending process has a pointer to %s here, this one %s", p.Type().Elem(), t)
		}
		v.Set(p.Convert(t))
	}
	return nil
}

func (r *valueDecoder) shared(v reflect.Value) error {
	n := r.d.uint()
	if n == 0 {
		v.SetZero()
		return nil
	}
	if n > uint64(len(r.shares)) {
		return r.errorf("shared object %d of %d is missing", n, len(r.shares))
	}
	obj := reflect.ValueOf(r.shares[n-1])
	if !obj.Type().AssignableTo(v.Type()) {
		return r.errorf("the sending process shares a %s, this one wants %s", obj.Type(), v.Type())
	}
	v.Set(obj)
	return nil
}

func (r *valueDecoder) unmarshal(v reflect.Value) error {
	if r.d.uint() == 0 {
		v.SetZero()
		return nil
	}
	b := r.d.bytes()
	t := v.Type()
	p := reflect.New(t)
	if t.Kind() == reflect.Pointer {
		p = reflect.New(t.Elem())
	}
	var err error
	if u, ok := p.Interface().(encoding.BinaryUnmarshaler); ok {
		err = u.UnmarshalBinary(b)
	} else {
		err = p.Interface().(gob.GobDecoder).GobDecode(b)
	}
	if err != nil {
		return r.errorf("%v", err)
	}
	if t.Kind() == reflect.Pointer {
		v.Set(p)
	} else {
		v.Set(p.Elem())
	}
	return nil
}

func (r *valueDecoder) fn(v reflect.Value) error {
	var f reflect.Value
	var err error
	switch r.d.uint() {
	case funcNil:
		v.SetZero()
		return nil
	case funcLookup:
		f, err = lookupFunc(r.d.string(), r.ns)
	case funcCompiled:
		ref := targetRef{Name: r.d.string(), PCOff: r.d.int(), TypeOff: r.d.int(), Type: r.d.string(), Exe: r.d.string()}
		f, err = resolveCompiled(ref)
	default:
		r.d.fail()
		return nil
	}
	if err != nil {
		return r.errorf("%v", err)
	}
	if !f.Type().ConvertibleTo(v.Type()) {
		return r.errorf("the function is a %s, this process wants a %s", f.Type(), v.Type())
	}
	v.Set(f.Convert(v.Type()))
	return nil
}

// lookupFunc finds a function named by a Launcher in this process: in a
// child, with RunChild's lookup; otherwise with the Namespace's Lookup.
func lookupFunc(name string, ns Namespace) (reflect.Value, error) {
	childMu.Lock()
	lookup := childLookup
	childMu.Unlock()
	if lookup == nil {
		if l, ok := ns.(interface {
			Lookup(string) (reflect.Value, error)
		}); ok {
			lookup = l.Lookup
		}
	}
	if lookup == nil {
		return reflect.Value{}, fmt.Errorf("cannot find function %s in this process", name)
	}
	return lookup(name)
}

// iface decodes an interface value into v, an interface or (boxed) the
// interpreter's representation of one.
func (r *valueDecoder) iface(v reflect.Value, boxed bool) error {
	switch r.d.uint() {
	case ifaceNil:
		v.SetZero()
		return nil
	case ifaceShared:
		obj := reflect.New(anyType).Elem()
		if err := r.shared(obj); err != nil {
			return err
		}
		if obj.IsNil() {
			v.SetZero()
			return nil
		}
		if boxed {
			return r.box(v, obj.Elem(), "")
		}
		if !obj.Elem().Type().Implements(v.Type()) {
			return r.errorf("a %s is not a %s", obj.Elem().Type(), v.Type())
		}
		v.Set(obj.Elem())
		return nil
	case ifaceValue:
	default:
		r.d.fail()
		return nil
	}
	ref := r.d.view(r.d.uint())
	sb := r.d.view(r.d.uint())
	if r.d.err != nil {
		return nil
	}
	s, err := parseShape(sb)
	if err != nil {
		return r.errorf("%v", err)
	}
	t, name, err := r.dynType(ref, s, sb)
	if err != nil {
		return r.errorf("%v", err)
	}
	x := reflect.New(t).Elem()
	if err := r.value(s, x); err != nil {
		return err
	}
	if boxed {
		return r.box(v, x, name)
	}
	if !t.Implements(v.Type()) {
		return r.errorf("a %s is not a %s", t, v.Type())
	}
	v.Set(x)
	return nil
}

// box stores x in v, a boxed interface value of the interpreter.
func (r *valueDecoder) box(v, x reflect.Value, name string) error {
	if name == "" {
		if n, ok := namespaceTypeName(r.ns, x.Type()); ok {
			name = n
		}
	}
	b, err := r.boxer.Box(v.Type(), x, name)
	if err != nil {
		return r.errorf("%v", err)
	}
	v.Set(b)
	return nil
}

// unwrap decodes an interface value written for an `any` into v, a
// variable of a concrete type (Queue.GetInto): the dynamic value's shape
// must suit v's type.
func (r *valueDecoder) unwrap(v reflect.Value) error {
	switch r.d.uint() {
	case ifaceNil:
		v.SetZero()
		return nil
	case ifaceValue:
	default:
		return r.errorf("a shared object cannot be received into a %s", v.Type())
	}
	r.d.view(r.d.uint()) // the type's name: v's type is used instead
	s, err := parseShape(r.d.view(r.d.uint()))
	if r.d.err != nil {
		return nil
	}
	if err != nil {
		return r.errorf("%v", err)
	}
	return r.value(s, v)
}

// fromShape caches the types rebuilt from shapes and found by typeRef.
var fromShape sync.Map // string -> reflect.Type

// dynType returns the dynamic type an interface value's type name ref
// names, with its shape s (encoded as sb), and the name a Namespace gave
// it.
func (r *valueDecoder) dynType(ref []byte, s *shape, sb []byte) (reflect.Type, string, error) {
	if len(ref) == 0 {
		return nil, "", errors.New("bad type name")
	}
	d := decoder{b: ref[1:]}
	switch ref[0] {
	case typeNotebook:
		name := d.string()
		if r.ns != nil {
			if t, ok := r.ns.TypeByName(name); ok {
				return t, name, nil
			}
		}
		return nil, "", fmt.Errorf("cannot rebuild a value of type %s in this process, which does not have that type", name)
	case typeFromShape:
		key := string(sb)
		if t, ok := fromShape.Load(key); ok {
			return t.(reflect.Type), "", nil
		}
		t, err := shapeTypeSafe(s)
		if err != nil {
			return nil, "", err
		}
		fromShape.Store(key, t)
		return t, "", nil
	case typeCompiled:
		key := string(ref)
		if t, ok := fromShape.Load(key); ok {
			return t.(reflect.Type), "", nil
		}
		tr := typeRef{Name: d.string(), Exe: d.string()}
		n := d.len()
		for i := 0; i < n && d.err == nil; i++ {
			if tr.Named == nil {
				tr.Named = map[string]int64{}
			}
			name := d.string()
			tr.Named[name] = d.int()
		}
		if err := d.done(); err != nil {
			return nil, "", fmt.Errorf("bad type name: %w", err)
		}
		t, err := tr.resolve()
		if err != nil {
			return nil, "", err
		}
		fromShape.Store(key, t)
		return t, "", nil
	}
	return nil, "", errors.New("bad type name")
}

// predeclared are the types of the basic kinds.
var predeclared = func() map[reflect.Kind]reflect.Type {
	m := map[reflect.Kind]reflect.Type{}
	for _, v := range []any{false, 0, int8(0), int16(0), int32(0), int64(0),
		uint(0), uint8(0), uint16(0), uint32(0), uint64(0), uintptr(0),
		float32(0), float64(0), complex64(0), complex128(0), "", unsafe.Pointer(nil)} {
		t := reflect.TypeOf(v)
		m[t.Kind()] = t
	}
	m[reflect.Interface] = anyType
	return m
}()

// shapeTypeSafe is shapeType, with a panic of reflect (a struct with two
// fields of one name, from a corrupt message) as an error.
func shapeTypeSafe(s *shape) (t reflect.Type, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("cannot rebuild the type: %v", r)
		}
	}()
	return shapeType(s, 0)
}

// shapeType rebuilds the type of a value sent without a type name: one
// made of predeclared types only (see rebuildable).
func shapeType(s *shape, depth int) (reflect.Type, error) {
	if depth > maxShapeDepth {
		return nil, errors.New("type nested too deep")
	}
	if t, ok := predeclared[reflect.Kind(s.tag)]; ok {
		return t, nil
	}
	switch s.tag {
	case byte(reflect.Slice), byte(reflect.Pointer), byte(reflect.Array):
		e, err := shapeType(s.elem, depth+1)
		if err != nil {
			return nil, err
		}
		switch s.tag {
		case byte(reflect.Slice):
			return reflect.SliceOf(e), nil
		case byte(reflect.Pointer):
			return reflect.PointerTo(e), nil
		}
		if s.n > 1<<40/max(int(e.Size()), 1) {
			return nil, errors.New("array too large")
		}
		return reflect.ArrayOf(s.n, e), nil
	case byte(reflect.Map):
		k, err := shapeType(s.key, depth+1)
		if err != nil {
			return nil, err
		}
		e, err := shapeType(s.elem, depth+1)
		if err != nil {
			return nil, err
		}
		if !k.Comparable() {
			return nil, fmt.Errorf("invalid map key type %s", k)
		}
		return reflect.MapOf(k, e), nil
	case byte(reflect.Struct):
		fields := make([]reflect.StructField, len(s.fields))
		for i, f := range s.fields {
			if !token.IsExported(f.name) {
				return nil, fmt.Errorf("cannot rebuild a struct with the unexported field %s", f.name)
			}
			ft, err := shapeType(f.s, depth+1)
			if err != nil {
				return nil, err
			}
			fields[i] = reflect.StructField{Name: f.name, Type: ft}
		}
		return reflect.StructOf(fields), nil
	}
	return nil, fmt.Errorf("cannot rebuild %s without its type", s.describe())
}
