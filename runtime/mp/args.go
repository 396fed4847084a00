package mp

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// argSpec describes one argument of a target in the spec sent to a child:
// either a copied value (gob) or a shared object (kind, files, metadata).
type argSpec struct {
	Kind   string  // shared kind, or "" for a copied value
	Zero   bool    // copied value is the zero value of its type
	Type   string  // type of the copied value, when the parameter is an interface
	TRef   typeRef // the same, with the means to find it in the same executable
	Data   []byte  // gob encoding of the copied value, or the shared object's metadata
	NFiles int     // files of a shared object, taken in order from the message
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
// named name, and encodes them for a child. It returns the files of shared
// arguments, still owned by those objects.
func encodeArgs(name string, ft reflect.Type, args []any) ([]argSpec, []*os.File, error) {
	if err := checkArgCount(name, ft, len(args)); err != nil {
		return nil, nil, err
	}
	specs := make([]argSpec, len(args))
	var files []*os.File
	for i, a := range args {
		pt := paramType(ft, i)
		where := fmt.Sprintf("argument %d of %s", i+1, name)
		if s, ok := a.(sharer); ok {
			if !reflect.TypeOf(a).AssignableTo(pt) {
				return nil, nil, fmt.Errorf("mp: %s: %s wants %s, got %T", where, name, pt, a)
			}
			kind, fs, meta, err := s.share()
			if err != nil {
				unshareArgs(args[:i], specs[:i])
				return nil, nil, fmt.Errorf("mp: %s: %w", where, err)
			}
			specs[i] = argSpec{Kind: kind, Data: meta, NFiles: len(fs)}
			files = append(files, fs...)
			continue
		}
		spec, err := encodeValue(where, pt, a)
		if err != nil {
			unshareArgs(args[:i], specs[:i])
			return nil, nil, err
		}
		specs[i] = spec
	}
	return specs, files, nil
}

// unshareArgs takes back the shares encodeArgs made of args (encoded as
// specs) when the child they were for did not start.
func unshareArgs(args []any, specs []argSpec) {
	for i, a := range args {
		if u, ok := a.(unsharer); ok && i < len(specs) {
			u.unshare(specs[i].Data, false)
		}
	}
}

// encodeValue encodes a copied value a for a parameter of type pt.
func encodeValue(where string, pt reflect.Type, a any) (argSpec, error) {
	if a == nil {
		switch pt.Kind() {
		case reflect.Interface, reflect.Slice, reflect.Map:
			return argSpec{Zero: true}, nil
		}
		return argSpec{}, fmt.Errorf("mp: %s is nil, but the parameter is a %s", where, pt)
	}
	v := reflect.ValueOf(a)
	var spec argSpec
	if pt.Kind() == reflect.Interface {
		if !v.Type().Implements(pt) {
			return argSpec{}, fmt.Errorf("mp: %s: %s does not implement %s", where, v.Type(), pt)
		}
		spec.TRef = typeRefOf(v.Type())
		if _, err := spec.TRef.resolve(); err != nil {
			return argSpec{}, fmt.Errorf("mp: %s: a %s cannot be rebuilt in the child from a parameter of type %s; declare the parameter as %s", where, v.Type(), pt, v.Type())
		}
		spec.Type = v.Type().String()
	} else {
		cv, err := convertArg(v, pt)
		if err != nil {
			return argSpec{}, fmt.Errorf("mp: %s: %w", where, err)
		}
		v = cv
	}
	if err := checkCopyable(v.Type(), map[reflect.Type]bool{}); err != nil {
		return argSpec{}, fmt.Errorf("mp: %s (a %s) cannot be copied to a child process: %w", where, v.Type(), err)
	}
	if v.IsZero() {
		spec.Zero = true
		return spec, nil
	}
	data, err := gobEncode(v)
	if err != nil {
		return argSpec{}, fmt.Errorf("mp: %s: %w", where, err)
	}
	spec.Data = data
	return spec, nil
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

// checkCopyable reports why values of type t cannot be copied to a child,
// or nil when they can.
func checkCopyable(t reflect.Type, seen map[reflect.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return nil
	case reflect.Slice, reflect.Array:
		return checkCopyable(t.Elem(), seen)
	case reflect.Map:
		if err := checkCopyable(t.Key(), seen); err != nil {
			return err
		}
		return checkCopyable(t.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				return fmt.Errorf("field %s of %s is unexported and would not be copied; export it (capitalise its name)", f.Name, t)
			}
			if f.Type.Implements(sharerType) {
				return fmt.Errorf("field %s of %s is shared (%s): pass shared objects as separate arguments", f.Name, t, f.Type)
			}
			if err := checkCopyable(f.Type, seen); err != nil {
				return err
			}
		}
		return nil
	case reflect.Pointer:
		if t.Implements(sharerType) {
			return fmt.Errorf("%s inside another value cannot be shared: pass it as an argument of its own", t)
		}
		return fmt.Errorf("a pointer would point to a copy in the child; pass the value itself, or share memory with mp.NewValue or mp.NewArray")
	case reflect.Chan:
		return fmt.Errorf("channels work within one process; use mp.NewQueue or mp.NewPipe between processes")
	case reflect.Func:
		return fmt.Errorf("functions cannot be copied; call the function in the target instead")
	case reflect.Interface:
		return fmt.Errorf("interface values inside other values cannot be rebuilt in the child; use concrete types")
	default:
		return fmt.Errorf("%s values cannot be copied", t.Kind())
	}
}

var sharerType = reflect.TypeOf((*sharer)(nil)).Elem()

func gobEncode(v reflect.Value) ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).EncodeValue(v); err != nil {
		return nil, fmt.Errorf("encode %s: %w", v.Type(), err)
	}
	return buf.Bytes(), nil
}

// gobDecode decodes data into a new value of type t.
func gobDecode(data []byte, t reflect.Type) (reflect.Value, error) {
	p := reflect.New(t)
	if err := gob.NewDecoder(bytes.NewReader(data)).DecodeValue(p); err != nil {
		return reflect.Value{}, fmt.Errorf("decode %s: %w", t, err)
	}
	return p.Elem(), nil
}

// decodeArgs rebuilds in a child the arguments of a function of type ft
// from their specs and the files received with them. It takes ownership of
// files.
func decodeArgs(name string, ft reflect.Type, specs []argSpec, files []*os.File) ([]reflect.Value, error) {
	if err := checkArgCount(name, ft, len(specs)); err != nil {
		closeFiles(files)
		return nil, err
	}
	vals := make([]reflect.Value, len(specs))
	for i, s := range specs {
		pt := paramType(ft, i)
		if s.Kind != "" {
			if s.NFiles > len(files) {
				closeFiles(files)
				return nil, fmt.Errorf("mp: argument %d of %s: shared object's files missing", i+1, name)
			}
			obj, err := openShared(s.Kind, files[:s.NFiles], s.Data)
			files = files[s.NFiles:]
			if err != nil {
				closeFiles(files)
				return nil, fmt.Errorf("mp: argument %d of %s: %w", i+1, name, err)
			}
			ov := reflect.ValueOf(obj)
			if !ov.Type().AssignableTo(pt) {
				closeFiles(files)
				return nil, fmt.Errorf("mp: argument %d of %s: %s wants %s, got %s", i+1, name, name, pt, ov.Type())
			}
			vals[i] = ov
			continue
		}
		t := pt
		if s.Type != "" {
			dt, err := s.TRef.resolve()
			if err != nil {
				closeFiles(files)
				return nil, fmt.Errorf("mp: argument %d of %s: %w", i+1, name, err)
			}
			t = dt
		}
		if s.Zero {
			vals[i] = reflect.Zero(t)
		} else {
			v, err := gobDecode(s.Data, t)
			if err != nil {
				closeFiles(files)
				return nil, fmt.Errorf("mp: argument %d of %s: %w", i+1, name, err)
			}
			vals[i] = v
		}
		if t != pt {
			v := reflect.New(pt).Elem()
			v.Set(vals[i])
			vals[i] = v
		}
	}
	closeFiles(files) // extra files, if any
	return vals, nil
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
// predeclared types, named types compiled into the program (found in any
// process running the same executable) and slices, arrays and maps of
// those are known everywhere, and values a process sends or receives
// register their types in it. Register, in the receiving process, types
// that reach it otherwise, such as a slice of a struct type sent by a
// different program. [Queue.GetInto] and [Conn.RecvInto] need no
// registration. RegisterType is safe for concurrent use.
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

// encodeItem encodes v with its type name, for Queue and Conn.
func encodeItem(v any) ([]byte, error) {
	if v == nil {
		return nil, fmt.Errorf("mp: cannot send nil")
	}
	rv := reflect.ValueOf(v)
	if _, ok := v.(sharer); ok {
		return nil, fmt.Errorf("mp: a %T cannot be sent; pass it to the process as an argument of NewProcess", v)
	}
	if err := checkCopyable(rv.Type(), map[reflect.Type]bool{}); err != nil {
		return nil, fmt.Errorf("mp: a %s cannot be sent to another process: %w", rv.Type(), err)
	}
	registerType(rv.Type())
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	if err := enc.Encode(typeRefOf(rv.Type())); err != nil {
		return nil, fmt.Errorf("mp: encode %s: %w", rv.Type(), err)
	}
	if err := enc.EncodeValue(rv); err != nil {
		return nil, fmt.Errorf("mp: encode %s: %w", rv.Type(), err)
	}
	return buf.Bytes(), nil
}

// decodeItem decodes an item encoded by encodeItem into a new value of its
// own type.
func decodeItem(data []byte) (any, error) {
	dec := gob.NewDecoder(bytes.NewReader(data))
	var ref typeRef
	if err := dec.Decode(&ref); err != nil {
		return nil, fmt.Errorf("mp: decode item: %w", err)
	}
	name := ref.Name
	t, err := ref.resolve()
	if err != nil {
		return nil, err
	}
	p := reflect.New(t)
	if err := dec.DecodeValue(p); err != nil {
		return nil, fmt.Errorf("mp: decode %s: %w", name, err)
	}
	return p.Elem().Interface(), nil
}

// decodeItemInto decodes an item encoded by encodeItem into *ptr.
func decodeItemInto(data []byte, ptr any) error {
	pv := reflect.ValueOf(ptr)
	if pv.Kind() != reflect.Pointer || pv.IsNil() {
		return fmt.Errorf("mp: receive into %T: want a non-nil pointer, as in GetInto(&x)", ptr)
	}
	dec := gob.NewDecoder(bytes.NewReader(data))
	var ref typeRef
	if err := dec.Decode(&ref); err != nil {
		return fmt.Errorf("mp: decode item: %w", err)
	}
	registerType(pv.Type().Elem())
	if err := dec.DecodeValue(pv); err != nil {
		return fmt.Errorf("mp: decode a %s into a %s: %w", ref.Name, pv.Type().Elem(), err)
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
	if err == nil || r.Exe == "" || r.Exe != thisExe() {
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
