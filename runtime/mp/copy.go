package mp

import (
	"encoding"
	"encoding/gob"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Values cross between processes — Process arguments, the notebook
// variables a child starts with, Queue items, Pipe messages — in a format
// of this package's own rather than encoding/gob, which copies only
// exported fields and refuses pointer cycles and interface values of
// unregistered types. A copied value is its shape (shape.go) followed by
// the value, walked with reflect:
//
//   - numbers and bools: integers as varints, floats as their bits; slices
//     and arrays of them as their memory, in one copy;
//   - strings, slices, arrays, maps, structs (unexported fields too);
//   - pointers: nil, or the pointed-to value the first time a pointer is
//     met and its number afterwards, so that pointers to the same variable
//     still do in the copy, and cycles end;
//   - interface values: nil, or the dynamic type's name (see typeName),
//     its shape and the value; the receiver finds the type by that name;
//   - shared objects (Lock, Value, Queue, ...): their number in the
//     message's table of shares, whose files travel with the message;
//   - functions: the name of a top-level function, by which the receiver
//     finds it;
//   - compiled types that marshal themselves (time.Time): their bytes;
//   - *os.File: os.Stdin, os.Stdout and os.Stderr only.
//
// Channels, unsafe pointers, function literals and other open files cannot
// be copied: an error names the value, or, for the variables a child starts
// with (copyGlobal), the child gets the zero value and a note saying so.

// copyMode says what may be copied and what happens to what may not.
type copyMode uint8

const (
	copyItem   copyMode = iota // Queue and Pipe items, Pool values: no shared objects; errors
	copyArg                    // Process arguments: shared objects travel as files; errors
	copyGlobal                 // variables a child starts with: zero values and notes
)

// ptrKey identifies a pointer met while encoding.
type ptrKey struct {
	p uintptr
	t reflect.Type
}

// shareOut is a shared object met while encoding, with its share.
type shareOut struct {
	obj   sharer
	kind  string
	files []*os.File
	meta  []byte
}

// pathElem is one step from the root of an encoded value, for messages.
type pathElem struct {
	field string // a struct field, or ""
	index int    // a slice or array element, when field is ""
	key   bool   // a map entry
}

// valueEncoder encodes values for another process. One encoder encodes all
// the values of a message, so that pointers and shared objects met twice
// are the same in the copy.
type valueEncoder struct {
	e       encoder
	mode    copyMode
	ns      Namespace
	boxer   Boxer
	boxed   func(reflect.Type) bool
	child   string // the process the values go to, for notes
	ptrs    map[ptrKey]int
	shares  []shareOut
	shareOf map[sharer]int
	notes   []string
	root    string // what is encoded: "x", "argument 2 of add"
	path    []pathElem
	refs    map[reflect.Type][]byte // type names of interface values

	bulk     *os.File // large slices of numbers (see raw), or nil
	bulkSize int64
}

func newValueEncoder(mode copyMode, ns Namespace) *valueEncoder {
	w := &valueEncoder{mode: mode, ns: ns}
	if b, ok := ns.(Boxer); ok {
		w.boxer, w.boxed = b, b.Boxed
	}
	return w
}

// where names the value being encoded, for messages: "x.items[3].name".
func (w *valueEncoder) where() string {
	var b strings.Builder
	b.WriteString(w.root)
	for _, p := range w.path {
		switch {
		case p.key:
			b.WriteString(" (a map entry)")
		case p.field != "":
			b.WriteString("." + fieldName(p.field))
		default:
			b.WriteString("[" + strconv.Itoa(p.index) + "]")
		}
	}
	return b.String()
}

// item encodes v as a value of type t (v's own type when t is nil): its
// shape, then the value. root names it in messages.
func (w *valueEncoder) item(root string, v reflect.Value) error {
	w.root, w.path = root, w.path[:0]
	w.e.bytes(shapeOf(v.Type(), w.boxed))
	return w.value(v)
}

// global encodes the variable v (addressable): pointers to it elsewhere
// stay pointers to it in the copy.
func (w *valueEncoder) global(name string, v reflect.Value) error {
	if v.CanAddr() {
		w.pointer(ptrKey{v.UnsafeAddr(), reflect.PointerTo(v.Type())})
	}
	return w.item(name, v)
}

// pointer numbers a pointer met for the first time and returns -1, or
// returns the number it was given.
func (w *valueEncoder) pointer(k ptrKey) int {
	if id, ok := w.ptrs[k]; ok {
		return id
	}
	if w.ptrs == nil {
		w.ptrs = map[ptrKey]int{}
	}
	w.ptrs[k] = len(w.ptrs)
	return -1
}

// cannot handles a value that cannot be copied: an error, or for a
// variable a child starts with, a note (the receiver keeps the zero
// value). why says why and what to do instead.
func (w *valueEncoder) cannot(t reflect.Type, zero, why string) error {
	if w.mode != copyGlobal {
		return fmt.Errorf("mp: %s (%s) cannot be copied to another process: %s", w.where(), typeArticle(t), why)
	}
	child := w.child
	if child == "" {
		child = "the child"
	}
	w.notes = append(w.notes, fmt.Sprintf("mp: %s (%s) is not copied to %s, which sees %s: %s", w.where(), typeArticle(t), child, zero, why))
	return nil
}

// typeArticle names a type with an article, for messages: "a chan int".
func typeArticle(t reflect.Type) string {
	s := t.String()
	if strings.HasPrefix(s, "struct {") {
		return "a struct"
	}
	switch s[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + s
	}
	return "a " + s
}

// clean returns v without the read-only flag reflect gives values reached
// through unexported fields, so that it can be passed to methods and
// interfaces. The copy reads unexported fields as a fork would.
func clean(v reflect.Value) reflect.Value {
	if v.CanInterface() {
		return v
	}
	t := v.Type()
	if v.CanAddr() {
		return reflect.NewAt(t, unsafe.Pointer(v.UnsafeAddr())).Elem()
	}
	c := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		*(*unsafe.Pointer)(c.Addr().UnsafePointer()) = v.UnsafePointer()
	case reflect.Slice:
		if !v.IsNil() {
			return reflect.SliceAt(t.Elem(), v.UnsafePointer(), v.Cap()).Slice(0, v.Len()).Convert(t)
		}
	case reflect.String:
		c.SetString(v.String())
	case reflect.Bool:
		c.SetBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.SetInt(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		c.SetUint(v.Uint())
	case reflect.Float32, reflect.Float64:
		c.SetFloat(v.Float())
	case reflect.Complex64, reflect.Complex128:
		c.SetComplex(v.Complex())
	case reflect.Interface:
		if !v.IsNil() {
			c.Set(clean(v.Elem()))
		}
	default:
		// Structs and arrays reached read-only and not addressable: copy
		// them field by field.
		addressable := reflect.New(t).Elem()
		copyInto(addressable, v)
		return addressable
	}
	return c
}

// copyInto copies the struct or array v, read-only, into dst, addressable.
func copyInto(dst, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := dst.Field(i)
			reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Set(clean(v.Field(i)))
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			dst.Index(i).Set(clean(v.Index(i)))
		}
	}
}

// value encodes v, whose shape was written.
func (w *valueEncoder) value(v reflect.Value) error {
	t := v.Type()
	k := t.Kind()
	switch classify(t, w.boxed) {
	case classShared:
		return w.shared(v)
	case classFile:
		return w.file(v)
	case classMarshal:
		return w.marshal(v)
	case classBox:
		dyn, name, ok := w.boxer.Unbox(clean(v))
		if !ok {
			w.e.uint(ifaceNil)
			return nil
		}
		return w.iface(dyn, name)
	}
	switch {
	case plainKind(k):
		w.scalar(v)
		return nil
	case k == reflect.String:
		w.e.string(v.String())
		return nil
	}
	switch k {
	case reflect.Pointer:
		if v.IsNil() {
			w.e.uint(0)
			return nil
		}
		if why := ownedType(t.Elem()); why != "" {
			w.e.uint(0)
			return w.cannot(t, "nil", why)
		}
		if id := w.pointer(ptrKey{v.Pointer(), t}); id >= 0 {
			w.e.uint(uint64(id) + 2)
			return nil
		}
		w.e.uint(1)
		return w.value(v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			w.e.uint(0)
			return nil
		}
		n := v.Len()
		w.e.uint(uint64(n) + 1)
		if plainKind(t.Elem().Kind()) {
			return w.raw(v.UnsafePointer(), n*int(t.Elem().Size()))
		}
		return w.elems(v, n)
	case reflect.Array:
		if plainKind(t.Elem().Kind()) {
			if !v.CanAddr() {
				v = clean(v)
				if !v.CanAddr() {
					c := reflect.New(t).Elem()
					c.Set(v)
					v = c
				}
			}
			return w.raw(unsafe.Pointer(v.UnsafeAddr()), int(t.Size()))
		}
		return w.elems(v, v.Len())
	case reflect.Map:
		if v.IsNil() {
			w.e.uint(0)
			return nil
		}
		w.e.uint(uint64(v.Len()) + 1)
		w.path = append(w.path, pathElem{key: true})
		it := clean(v).MapRange()
		for it.Next() {
			if err := w.value(it.Key()); err != nil {
				return err
			}
			if err := w.value(it.Value()); err != nil {
				return err
			}
		}
		w.path = w.path[:len(w.path)-1]
		return nil
	case reflect.Struct:
		if reflect.PointerTo(t).Implements(sharerType) {
			if err := w.cannot(t, "a zero "+t.String(), "it is used through a pointer, as "+t.String()+"'s New function returns it"); err != nil {
				return err
			}
			return w.zeroStruct(t)
		}
		for i := 0; i < t.NumField(); i++ {
			w.path = append(w.path, pathElem{field: t.Field(i).Name})
			if err := w.value(v.Field(i)); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
		}
		return nil
	case reflect.Interface:
		if v.IsNil() {
			w.e.uint(0)
			return nil
		}
		return w.iface(clean(v.Elem()), "")
	case reflect.Func:
		return w.fn(v)
	case reflect.Chan:
		w.e.uint(0) // the receiver keeps its zero value
		if v.IsNil() {
			return nil
		}
		return w.cannot(t, "nil", "channels work within one process; use mp.NewQueue or mp.NewPipe between processes")
	case reflect.UnsafePointer:
		w.e.uint(0)
		if v.IsNil() {
			return nil
		}
		return w.cannot(t, "nil", "unsafe pointers cannot be copied")
	}
	return fmt.Errorf("mp: %s (%s) cannot be copied to another process", w.where(), typeArticle(t))
}

// ownedType says why values of the mp type t (a Pool, a Process) belong to
// the process that made them, or returns "".
func ownedType(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[Pool]():
		return "a Pool's workers belong to the process that made it; make another Pool in the process"
	case reflect.TypeFor[Process]():
		return "a Process can be joined only by the process that started it"
	case reflect.TypeFor[Child]():
		return "a Child belongs to the process that started it"
	}
	return ""
}

// elems encodes the n elements of a slice or array.
func (w *valueEncoder) elems(v reflect.Value, n int) error {
	w.path = append(w.path, pathElem{})
	for i := 0; i < n; i++ {
		w.path[len(w.path)-1].index = i
		if err := w.value(v.Index(i)); err != nil {
			return err
		}
	}
	w.path = w.path[:len(w.path)-1]
	return nil
}

// zeroStruct writes the zero value of the struct t, field by field.
func (w *valueEncoder) zeroStruct(t reflect.Type) error {
	mode := w.mode
	w.mode = copyGlobal // a zero value has nothing to refuse
	notes := len(w.notes)
	err := w.value(reflect.Zero(t))
	w.mode, w.notes = mode, w.notes[:notes]
	return err
}

// scalar writes a number or bool.
func (w *valueEncoder) scalar(v reflect.Value) {
	switch v.Kind() {
	case reflect.Bool:
		w.e.bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.e.int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		w.e.uint(v.Uint())
	case reflect.Float32, reflect.Float64:
		w.e.fixed64(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		w.e.fixed64(math.Float64bits(real(c)))
		w.e.fixed64(math.Float64bits(imag(c)))
	}
}

// raw writes n bytes of memory at p (elements of a slice or array of
// numbers): their count of bytes, times two, then the bytes; or, for a
// large one going to a child, the count times two plus one and the bytes'
// offset in the message's bulk file, which the child maps (bulkMin).
func (w *valueEncoder) raw(p unsafe.Pointer, n int) error {
	if n >= bulkMin && w.mode != copyItem {
		off, err := w.toBulk(unsafe.Slice((*byte)(p), n))
		if err != nil {
			return fmt.Errorf("mp: %s: %w", w.where(), err)
		}
		w.e.uint(uint64(n)<<1 | 1)
		w.e.uint(uint64(off))
		return nil
	}
	w.e.uint(uint64(n) << 1)
	if n > 0 {
		w.e.b = append(w.e.b, unsafe.Slice((*byte)(p), n)...)
	}
	return nil
}

// bulkMin is the size from which the numbers of a slice or array go to a
// child in the message's bulk file: a memory file written once in the
// parent and mapped, copy-on-write, by the child, whose slice then uses the
// mapping itself. The message stays small, and the child copies nothing.
const bulkMin = 64 << 10

// toBulk writes b to the bulk file at the next page boundary and returns
// its offset.
func (w *valueEncoder) toBulk(b []byte) (int64, error) {
	if w.bulk == nil {
		fd, err := unix.MemfdCreate("gopherlab-bulk", unix.MFD_CLOEXEC)
		if err != nil {
			return 0, fmt.Errorf("create a memory file: %w", err)
		}
		w.bulk = os.NewFile(uintptr(fd), "memfd:gopherlab-bulk")
	}
	off := (w.bulkSize + pageSize - 1) &^ (pageSize - 1)
	for done := 0; done < len(b); {
		n, err := unix.Pwrite(int(w.bulk.Fd()), b[done:], off+int64(done))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("write a memory file: %w", err)
		}
		done += n
	}
	w.bulkSize = off + int64(len(b))
	return off, nil
}

var pageSize = int64(os.Getpagesize())

// closeBulk closes the bulk file, once sent.
func (w *valueEncoder) closeBulk() {
	if w.bulk != nil {
		w.bulk.Close()
		w.bulk = nil
	}
}

// shared writes a shared object: its number in the message's shares.
func (w *valueEncoder) shared(v reflect.Value) error {
	if v.Kind() == reflect.Pointer && v.IsNil() || v.Kind() == reflect.Interface && v.IsNil() {
		w.e.uint(0)
		return nil
	}
	s := clean(v).Interface().(sharer)
	if w.mode == copyItem {
		return fmt.Errorf("mp: %s: a %T cannot be sent to another process: pass it to the process as an argument of NewProcess, or use it from a variable the process's function uses", w.where(), s)
	}
	if i, ok := w.shareOf[s]; ok {
		w.e.uint(uint64(i) + 1)
		return nil
	}
	kind, files, meta, err := s.share()
	if err != nil {
		if w.mode == copyGlobal {
			w.e.uint(0)
			return w.cannot(v.Type(), "nil", err.Error())
		}
		return fmt.Errorf("mp: %s: %w", w.where(), err)
	}
	if w.shareOf == nil {
		w.shareOf = map[sharer]int{}
	}
	w.shareOf[s] = len(w.shares)
	w.shares = append(w.shares, shareOut{obj: s, kind: kind, files: files, meta: meta})
	w.e.uint(uint64(len(w.shares)))
	return nil
}

// unshare takes back the shares made for a child that did not start.
func (w *valueEncoder) unshare() {
	for _, s := range w.shares {
		if u, ok := s.obj.(unsharer); ok {
			u.unshare(s.meta, false)
		}
	}
	w.shares = nil
	w.shareOf = nil
}

// files returns the files of the shares, in order.
func (w *valueEncoder) files() []*os.File {
	var fs []*os.File
	for _, s := range w.shares {
		fs = append(fs, s.files...)
	}
	return fs
}

// shareSpecs describes the shares for the receiver.
func (w *valueEncoder) shareSpecs() []shareSpec {
	specs := make([]shareSpec, len(w.shares))
	for i, s := range w.shares {
		specs[i] = shareSpec{Kind: s.kind, Meta: s.meta, NFiles: len(s.files)}
	}
	return specs
}

// file writes an *os.File: the number of a standard stream, 0 for nil.
func (w *valueEncoder) file(v reflect.Value) error {
	if v.IsNil() {
		w.e.uint(0)
		return nil
	}
	switch clean(v).Interface().(*os.File) {
	case os.Stdin:
		w.e.uint(1)
	case os.Stdout:
		w.e.uint(2)
	case os.Stderr:
		w.e.uint(3)
	default:
		w.e.uint(0)
		return w.cannot(v.Type(), "nil", "open files cannot be copied; open the file again in the process")
	}
	return nil
}

// marshal writes a value of a type that marshals itself.
func (w *valueEncoder) marshal(v reflect.Value) error {
	x := clean(v).Interface()
	if v.Kind() == reflect.Pointer && v.IsNil() {
		w.e.uint(0)
		return nil
	}
	var b []byte
	var err error
	if m, ok := x.(encoding.BinaryMarshaler); ok {
		b, err = m.MarshalBinary()
	} else {
		b, err = x.(gob.GobEncoder).GobEncode()
	}
	if err != nil {
		return fmt.Errorf("mp: %s (%s): %w", w.where(), typeArticle(v.Type()), err)
	}
	w.e.uint(1)
	w.e.bytes(b)
	return nil
}

// Functions are written as a tag and what finds them.
const (
	funcNil      = 0 // nil, or a function that could not be copied
	funcLookup   = 1 // a name the receiver's lookup finds (a function of the notebook)
	funcCompiled = 2 // a compiled top-level function (targetRef)
)

// fn writes a function value: a top-level function, by name.
func (w *valueEncoder) fn(v reflect.Value) error {
	if v.IsNil() {
		w.e.uint(funcNil)
		return nil
	}
	_, ref, err := refTarget(clean(v).Interface())
	if err != nil {
		w.e.uint(funcNil)
		return w.cannot(v.Type(), "nil", "only functions declared at the top level can go to another process, by name, not function literals, closures or method values")
	}
	if ref.Lookup {
		w.e.uint(funcLookup)
		w.e.string(ref.Name)
		return nil
	}
	w.e.uint(funcCompiled)
	w.e.string(ref.Name)
	w.e.int(ref.PCOff)
	w.e.int(ref.TypeOff)
	w.e.string(ref.Type)
	w.e.string(ref.Exe)
	return nil
}

// Interface values are written as a tag, then the dynamic type's name, its
// shape and the value.
const (
	ifaceNil    = 0
	ifaceValue  = 1
	ifaceShared = 2 // a shared object: its number in the message's shares follows
)

// Type names of interface values.
const (
	typeFromShape = 0 // no named type: the shape rebuilds it
	typeNotebook  = 1 // named by the Namespace: a type the interpreter declared
	typeCompiled  = 2 // a typeRef: named compiled types found in the executable
)

// iface writes the dynamic value of an interface value; name is the
// type's name if the interpreter gave it (Boxer.Unbox), or "".
func (w *valueEncoder) iface(v reflect.Value, name string) error {
	t := v.Type()
	if t.Implements(sharerType) {
		if w.mode == copyItem {
			return w.shared(v) // refused with the message for items
		}
		w.e.uint(ifaceShared)
		return w.shared(v)
	}
	w.e.uint(ifaceValue)
	if name != "" {
		var e encoder
		e.b = append(e.b, typeNotebook)
		e.string(name)
		w.e.bytes(e.b)
	} else {
		w.e.bytes(w.typeName(t))
	}
	w.e.bytes(shapeOf(t, w.boxed))
	return w.value(v)
}

// typeName returns the encoded name of t, the dynamic type of an interface
// value.
func (w *valueEncoder) typeName(t reflect.Type) []byte {
	if b, ok := w.refs[t]; ok {
		return b
	}
	var e encoder
	if name, ok := namespaceTypeName(w.ns, t); ok {
		e.b = append(e.b, typeNotebook)
		e.string(name)
	} else if rebuildable(t, map[reflect.Type]bool{}) {
		e.b = append(e.b, typeFromShape)
	} else {
		r := typeRefOf(t)
		e.b = append(e.b, typeCompiled)
		e.string(r.Name)
		e.string(r.Exe)
		e.uint(uint64(len(r.Named)))
		for _, name := range sortedKeys(r.Named) {
			e.string(name)
			e.int(r.Named[name])
		}
	}
	if w.refs == nil {
		w.refs = map[reflect.Type][]byte{}
	}
	w.refs[t] = e.b
	return e.b
}

// namespaceTypeName asks ns for the name of t, a type the interpreter may
// have declared: a struct type without a name of its own, or a type made
// of such; or a type of package main of a compiled worker program, which
// holds the notebook's declarations compiled.
func namespaceTypeName(ns Namespace, t reflect.Type) (string, bool) {
	if ns == nil {
		return "", false
	}
	if t.Name() != "" {
		if t.PkgPath() == "main" {
			return ns.TypeName(t)
		}
		return "", false
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return ns.TypeName(t)
	}
	return "", false
}

// rebuildable reports whether the receiver can rebuild t from its shape
// alone: t is made of predeclared types, without named types, functions,
// channels, recursion or unexported struct fields.
func rebuildable(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false // recursive
	}
	if t.Name() != "" {
		return t.PkgPath() == "" && t.Kind() != reflect.Interface || t == anyType
	}
	seen[t] = true
	defer delete(seen, t)
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Pointer:
		return rebuildable(t.Elem(), seen)
	case reflect.Map:
		return rebuildable(t.Key(), seen) && rebuildable(t.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Anonymous || f.Tag != "" || !rebuildable(f.Type, seen) {
				return false
			}
		}
		return true
	case reflect.Interface:
		return t.NumMethod() == 0
	}
	return false
}

var anyType = reflect.TypeOf((*any)(nil)).Elem()

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
