package mp

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// argSpec is one argument of a target in the spec sent to a child, or a
// value of a Pool: the value copied (copy.go) as a value of the parameter's
// type. Shared objects in it are numbers in the spec's shares.
type argSpec struct {
	Data []byte
}

// shareSpec describes a shared object sent with a spec: its kind, the
// metadata its share method gave, and how many of the message's files are
// its own (they follow those of the shares before it).
type shareSpec struct {
	Kind   string
	Meta   []byte
	NFiles int
}

// paramType returns the type of the i'th argument of a function of type ft.
func paramType(ft reflect.Type, i int) reflect.Type {
	if ft.IsVariadic() && i >= ft.NumIn()-1 {
		return ft.In(ft.NumIn() - 1).Elem()
	}
	return ft.In(i)
}

// checkArgCount reports whether n arguments fit a function of type ft.
func checkArgCount(name string, ft reflect.Type, n int) error {
	want := ft.NumIn()
	if ft.IsVariadic() {
		if n < want-1 {
			return fmt.Errorf("mp: %s takes at least %d arguments (%s), got %d", name, want-1, ft, n)
		}
		return nil
	}
	if n != want {
		return fmt.Errorf("mp: %s takes %d argument%s (%s), got %d", name, want, plural(want), ft, n)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// encodeArgs checks args against the parameters of a function of type ft
// named name, and encodes them with w, which collects the shared objects
// among them.
func encodeArgs(w *valueEncoder, name string, ft reflect.Type, args []any) ([]argSpec, error) {
	if err := checkArgCount(name, ft, len(args)); err != nil {
		return nil, err
	}
	specs := make([]argSpec, len(args))
	for i, a := range args {
		where := fmt.Sprintf("argument %d of %s", i+1, name)
		v, err := argValue(where, name, paramType(ft, i), a)
		if err != nil {
			return nil, err
		}
		start := len(w.e.b)
		if err := w.item(where, v); err != nil {
			return nil, err
		}
		specs[i].Data = append([]byte(nil), w.e.b[start:]...)
		w.e.b = w.e.b[:start]
	}
	return specs, nil
}

// argValue returns a, an argument for a parameter of type pt, as a value
// of type pt: numbers convert as a constant would, nil is the zero value.
func argValue(where, name string, pt reflect.Type, a any) (reflect.Value, error) {
	if a == nil {
		switch pt.Kind() {
		case reflect.Interface, reflect.Slice, reflect.Map, reflect.Pointer, reflect.Func, reflect.Chan:
			return reflect.Zero(pt), nil
		}
		return reflect.Value{}, fmt.Errorf("mp: %s is nil, but the parameter is a %s", where, pt)
	}
	v := reflect.ValueOf(a)
	if pt.Kind() == reflect.Interface {
		if !v.Type().Implements(pt) {
			return reflect.Value{}, fmt.Errorf("mp: %s: %s does not implement %s", where, v.Type(), pt)
		}
		x := reflect.New(pt).Elem()
		x.Set(v)
		return x, nil
	}
	if _, ok := a.(sharer); ok && !v.Type().AssignableTo(pt) {
		return reflect.Value{}, fmt.Errorf("mp: %s: %s wants a %s, got a %T", where, name, pt, a)
	}
	cv, err := convertArg(v, pt)
	if err != nil {
		return reflect.Value{}, fmt.Errorf("mp: %s: %w", where, err)
	}
	return cv, nil
}

// encodeValue encodes a, a value for a parameter of type pt (a Pool's item
// or result): shared objects are refused.
func encodeValue(where string, pt reflect.Type, a any) (argSpec, error) {
	v, err := argValue(where, where, pt, a)
	if err != nil {
		return argSpec{}, err
	}
	w := newValueEncoder(copyItem, currentNamespace())
	if err := w.item(where, v); err != nil {
		return argSpec{}, err
	}
	return argSpec{Data: w.e.b}, nil
}

// convertArg converts v to type t as a direct call would for an untyped
// constant: numbers convert when the value survives the conversion.
func convertArg(v reflect.Value, t reflect.Type) (reflect.Value, error) {
	if v.Type().AssignableTo(t) {
		return v.Convert(t), nil
	}
	if isNumber(v.Kind()) && isNumber(t.Kind()) {
		c := v.Convert(t)
		if c.Convert(v.Type()).Equal(v) {
			return c, nil
		}
		return reflect.Value{}, fmt.Errorf("%v does not fit in a %s", v, t)
	}
	return reflect.Value{}, fmt.Errorf("the function wants a %s, got a %s", t, v.Type())
}

func isNumber(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Float64
}

// checkCopyable reports why values of type t can never be copied to
// another process, or nil when they may be: a channel or an unsafe pointer
// in t, outside interfaces. Whether a function value or the dynamic value
// of an interface can is known only when the value is copied. seen holds
// the types already looked at (pass an empty map).
func checkCopyable(t reflect.Type, seen map[reflect.Type]bool) error {
	if seen[t] || t.Implements(sharerType) {
		return nil
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Chan:
		return errors.New("channels work within one process; use mp.NewQueue or mp.NewPipe between processes")
	case reflect.UnsafePointer:
		return errors.New("unsafe pointers cannot be copied")
	case reflect.Slice, reflect.Array, reflect.Pointer:
		return checkCopyable(t.Elem(), seen)
	case reflect.Map:
		if err := checkCopyable(t.Key(), seen); err != nil {
			return err
		}
		return checkCopyable(t.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if err := checkCopyable(t.Field(i).Type, seen); err != nil {
				return fmt.Errorf("field %s: %w", fieldName(t.Field(i).Name), err)
			}
		}
	}
	return nil
}

var sharerType = reflect.TypeOf((*sharer)(nil)).Elem()

// decodeArgs rebuilds the arguments of a function of type ft, encoded by
// encodeValue, in this process (a Pool's worker or the Pool). It closes
// files.
func decodeArgs(name string, ft reflect.Type, specs []argSpec, files []*os.File) ([]reflect.Value, error) {
	closeFiles(files)
	return decodeArgsWith(newValueDecoder(nil, currentNamespace()), name, ft, specs)
}

// decodeArgsWith decodes the arguments of a function of type ft with r,
// which holds the shared objects they refer to.
func decodeArgsWith(r *valueDecoder, name string, ft reflect.Type, specs []argSpec) ([]reflect.Value, error) {
	if err := checkArgCount(name, ft, len(specs)); err != nil {
		return nil, err
	}
	vals := make([]reflect.Value, len(specs))
	for i, s := range specs {
		v := reflect.New(paramType(ft, i)).Elem()
		r.d = decoder{b: s.Data}
		if err := r.item(fmt.Sprintf("argument %d of %s", i+1, name), v); err != nil {
			return nil, err
		}
		if err := r.d.done(); err != nil {
			return nil, fmt.Errorf("mp: argument %d of %s: %w", i+1, name, err)
		}
		vals[i] = v
	}
	return vals, nil
}

// openShares opens the shared objects of a spec from its files, in order.
// It takes ownership of files.
func openShares(specs []shareSpec, files []*os.File) ([]any, error) {
	objs := make([]any, len(specs))
	for i, s := range specs {
		if s.NFiles > len(files) {
			closeFiles(files)
			return nil, fmt.Errorf("mp: the files of shared object %d (%s) are missing", i+1, s.Kind)
		}
		obj, err := openShared(s.Kind, files[:s.NFiles], s.Meta)
		files = files[s.NFiles:]
		if err != nil {
			closeFiles(files)
			return nil, err
		}
		objs[i] = obj
	}
	closeFiles(files) // extra files, if any
	return objs, nil
}

// Types by name, for values whose static type is an interface (queue items,
// pipe messages, arguments for an `any` parameter).
var (
	typesMu sync.Mutex
	types   = map[string]reflect.Type{}
)

func init() {
	for _, v := range []any{
		false, 0, int8(0), int16(0), int32(0), int64(0),
		uint(0), uint8(0), uint16(0), uint32(0), uint64(0), uintptr(0),
		float32(0), float64(0), complex64(0), complex128(0), "",
	} {
		types[reflect.TypeOf(v).String()] = reflect.TypeOf(v)
	}
}

// RegisterType records the type of v so that a process receiving a value of
// that type where only an interface is known ([Queue.Get], [Conn.Recv], a
// parameter of type any) can rebuild it. Most programs never need it:
// types made of predeclared ones, named types compiled into the program
// (found in any process running the same executable) and the types a
// notebook's cells declare are known everywhere. Register, in the
// receiving process, the named types of a different program that sends it
// values. [Queue.GetInto] and [Conn.RecvInto] need no registration.
// RegisterType is safe for concurrent use.
func RegisterType(v any) {
	if v == nil {
		return
	}
	registerType(reflect.TypeOf(v))
}

func registerType(t reflect.Type) {
	typesMu.Lock()
	defer typesMu.Unlock()
	registerTypeLocked(t)
}

func registerTypeLocked(t reflect.Type) {
	name := t.String()
	if _, ok := types[name]; ok {
		return
	}
	types[name] = t
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Pointer:
		registerTypeLocked(t.Elem())
	case reflect.Map:
		registerTypeLocked(t.Key())
		registerTypeLocked(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			registerTypeLocked(t.Field(i).Type)
		}
	}
}

// typeByName returns the type whose String() is name: a registered type,
// or a slice, array or map built from registered types.
func typeByName(name string) (reflect.Type, error) {
	typesMu.Lock()
	t, ok := types[name]
	typesMu.Unlock()
	if ok {
		return t, nil
	}
	switch {
	case strings.HasPrefix(name, "*"):
		e, err := typeByName(name[1:])
		if err != nil {
			return nil, err
		}
		return reflect.PointerTo(e), nil
	case strings.HasPrefix(name, "[]"):
		e, err := typeByName(name[2:])
		if err != nil {
			return nil, err
		}
		return reflect.SliceOf(e), nil
	case strings.HasPrefix(name, "["):
		end := strings.IndexByte(name, ']')
		n, err := strconv.Atoi(name[1:max(end, 1)])
		if end < 0 || err != nil || n < 0 {
			break
		}
		e, err := typeByName(name[end+1:])
		if err != nil {
			return nil, err
		}
		return reflect.ArrayOf(n, e), nil
	case strings.HasPrefix(name, "map["):
		depth := 0
		for i := 3; i < len(name); i++ {
			switch name[i] {
			case '[':
				depth++
			case ']':
				depth--
				if depth == 0 {
					k, err := typeByName(name[4:i])
					if err != nil {
						return nil, err
					}
					e, err := typeByName(name[i+1:])
					if err != nil {
						return nil, err
					}
					if !k.Comparable() {
						return nil, fmt.Errorf("mp: invalid map key type %s", k)
					}
					return reflect.MapOf(k, e), nil
				}
			}
		}
	}
	return nil, fmt.Errorf("mp: cannot rebuild a value of type %s in this process: call mp.RegisterType(%s{}) in an init function, or receive into a variable of that type (GetInto, RecvInto)", name, name)
}

// encodeItem encodes v, a Queue item or Pipe message, as an interface value:
// its type's name, shape and value.
func encodeItem(v any) ([]byte, error) {
	w := newValueEncoder(copyItem, currentNamespace())
	if err := w.item("the value sent", reflect.ValueOf(&v).Elem()); err != nil {
		return nil, err
	}
	return w.e.b, nil
}

// decodeItem decodes an item encoded by encodeItem into a new value of its
// own type.
func decodeItem(data []byte) (any, error) {
	var v any
	r := newValueDecoder(data, currentNamespace())
	if err := r.item("the value received", reflect.ValueOf(&v).Elem()); err != nil {
		return nil, err
	}
	if err := r.d.done(); err != nil {
		return nil, fmt.Errorf("mp: decode the value received: %w", err)
	}
	return v, nil
}

// decodeItemInto decodes an item encoded by encodeItem into *ptr.
func decodeItemInto(data []byte, ptr any) error {
	pv := reflect.ValueOf(ptr)
	if pv.Kind() != reflect.Pointer || pv.IsNil() {
		return fmt.Errorf("mp: receive into %T: want a non-nil pointer, as in GetInto(&x)", ptr)
	}
	r := newValueDecoder(data, currentNamespace())
	if err := r.item("the value received", pv.Elem()); err != nil {
		return err
	}
	if err := r.d.done(); err != nil {
		return fmt.Errorf("mp: decode the value received: %w", err)
	}
	return nil
}

// A typeRef names the type of a value sent where the receiver knows only an
// interface. The named types compiled into the program that the type is
// made of also carry the offsets of their descriptors, so that a process
// running the same executable finds them without registration (reflect
// makes no named types at run time, so these descriptors are all in the
// executable).
type typeRef struct {
	Name  string
	Exe   string           // executable identity, when Named is set
	Named map[string]int64 // named types: descriptor relative to argSpec's
}

var (
	exeOnce sync.Once
	exeID   string
)

// trustOffsets lets typeRef.resolve find types by the offsets another
// process of the same executable sent; the fuzz tests, which make up
// messages, turn it off.
var trustOffsets = true

// thisExe returns the identity of the running executable, "" if unknown.
func thisExe() string {
	exeOnce.Do(func() { exeID, _ = exeIdentity() })
	return exeID
}

func typeRefOf(t reflect.Type) typeRef {
	r := typeRef{Name: t.String()}
	if exe := thisExe(); exe != "" {
		r.Exe = exe
		namedTypes(t, &r.Named, map[reflect.Type]bool{})
	}
	return r
}

// namedTypes adds the named non-predeclared types t is made of to m.
func namedTypes(t reflect.Type, m *map[string]int64, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	if t.Name() != "" && t.PkgPath() != "" {
		if *m == nil {
			*m = map[string]int64{}
		}
		(*m)[t.String()] = int64(uintptr(efaceType(reflect.Zero(t).Interface()))) - int64(uintptr(baseType))
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Pointer:
		namedTypes(t.Elem(), m, seen)
	case reflect.Map:
		namedTypes(t.Key(), m, seen)
		namedTypes(t.Elem(), m, seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			namedTypes(t.Field(i).Type, m, seen)
		}
	}
}

// resolve returns the type r names: a registered or predeclared type, one
// built from those and from the named types found by offset in this
// executable.
func (r typeRef) resolve() (reflect.Type, error) {
	t, err := typeByName(r.Name)
	if err == nil || r.Exe == "" || r.Exe != thisExe() || !trustOffsets {
		return t, err
	}
	for name, off := range r.Named {
		var x any
		w := (*[2]unsafe.Pointer)(unsafe.Pointer(&x))
		w[0] = unsafe.Add(baseType, off) // reflect.TypeOf reads only the type word
		if nt := reflect.TypeOf(x); nt != nil && nt.String() == name {
			registerType(nt)
		}
	}
	return typeByName(r.Name)
}
