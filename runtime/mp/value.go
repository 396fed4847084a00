package mp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"reflect"
	"unsafe"

	"github.com/gopherlab/gopherlab/runtime/shm"
)

// A Value is one number in shared memory, like Python's
// multiprocessing.Value: every process it is passed to (as an argument of
// [NewProcess]) reads and writes the same memory. Create one with
// [NewValue] or [NewRawValue]; the zero value is not usable, and a Value
// must not be copied (pass the pointer).
//
// The typecode says what C type the Value holds, as in Python: "i" for a
// 32-bit int, "d" for a float64, and so on (see [NewValue]). Integer Values
// are read and written as Go ints with Load, Store, Add and
// CompareAndSwap, floating-point ones with LoadFloat, StoreFloat and
// AddFloat. Each of these methods is atomic on its own; a sequence of them
// (read, compute, write) is not, so hold the Value's lock ([Value.GetLock])
// around it, as Python code writes `with v.get_lock():`.
type Value struct {
	seg  *shm.Segment
	e    elems
	lock *Lock
}

// Value and Array segments start with the lock word; the data follows.
const (
	valueDataOff = 8
	arrayDataOff = 64
)

var (
	errZeroValue = errors.New("mp: use of a Value not made by mp.NewValue")
	errZeroArray = errors.New("mp: use of an Array not made by mp.NewArray")
)

// NewValue returns a new Value of the typecode, set to initial, with a
// lock of its own ([Value.GetLock]). Python writes Value('i', 0); Go
// writes mp.NewValue("i", 0).
//
// The typecodes are Python's: "c" char, "b" signed char, "B" unsigned
// char, "h" short, "H" unsigned short, "i" int (32 bits), "I" unsigned
// int, "l" long (64 bits), "L" unsigned long, "q" long long, "Q" unsigned
// long long, "f" float (32 bits), "d" double (64 bits). initial is any Go
// integer or floating-point number (a float must be whole for an integer
// typecode) or, for "c", a one-character string.
//
// NewValue panics with a message saying what to change when the typecode
// is unknown or initial does not fit it, like regexp.MustCompile.
func NewValue(typecode string, initial any) *Value {
	return newValue(typecode, initial, true)
}

// NewRawValue is like [NewValue] but the Value has no lock, like Python's
// RawValue: [Value.GetLock] panics. Use it with a separate [Lock], or when
// atomic Load, Store and Add are all you need.
func NewRawValue(typecode string, initial any) *Value {
	return newValue(typecode, initial, false)
}

func newValue(typecode string, initial any, locked bool) *Value {
	tc := lookupTypecode(typecode)
	seg := mustSegment(lockSegmentSize)
	v := valueAt(seg, tc, locked)
	if err := setElem(&v.e, 0, reflect.ValueOf(initial), v.what); err != nil {
		seg.Close()
		panic(err)
	}
	return v
}

func valueAt(seg *shm.Segment, tc *typeInfo, locked bool) *Value {
	v := &Value{seg: seg, e: elems{tc: tc, base: unsafe.Pointer(&seg.Bytes()[valueDataOff]), n: 1}}
	if locked {
		v.lock = newLock(seg, 0, nil)
	}
	return v
}

// setElem stores x, a Go number (or a one-character string for "c"), at
// index i, or returns an error saying why it cannot.
func setElem(e *elems, i int, x reflect.Value, what describer) error {
	switch x.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := x.Int()
		if !e.tc.fits(int(n)) {
			return fmt.Errorf("mp: %d does not fit %s, whose C %s holds %s", n, what(), e.tc.cname, e.tc.rangeOf())
		}
		e.store(i, int(n), what)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n := x.Uint()
		if e.tc.float {
			e.storeFloat(i, float64(n), what)
			return nil
		}
		if n > 1<<63-1 {
			if e.tc.size != 8 || e.tc.signed {
				return fmt.Errorf("mp: %d does not fit %s, whose C %s holds %s", n, what(), e.tc.cname, e.tc.rangeOf())
			}
			e.storeBits(i, n)
			return nil
		}
		if !e.tc.fits(int(n)) {
			return fmt.Errorf("mp: %d does not fit %s, whose C %s holds %s", n, what(), e.tc.cname, e.tc.rangeOf())
		}
		e.store(i, int(n), what)
	case reflect.Float32, reflect.Float64:
		f := x.Float()
		if !e.tc.float && (f != float64(int64(f)) || !e.tc.fits(int(f))) {
			return fmt.Errorf("mp: %v does not fit %s, whose C %s holds whole numbers %s", f, what(), e.tc.cname, e.tc.rangeOf())
		}
		e.storeFloat(i, f, what)
	case reflect.String:
		s := x.String()
		if e.tc.code != "c" || len(s) != 1 {
			return fmt.Errorf("mp: %q cannot be stored in %s: strings are only for typecode \"c\", one byte each", s, what())
		}
		e.storeBits(i, uint64(s[0]))
	case reflect.Bool:
		b := 0
		if x.Bool() {
			b = 1
		}
		e.store(i, b, what)
	default:
		if !x.IsValid() {
			return fmt.Errorf("mp: nil cannot be stored in %s: use a number", what())
		}
		return fmt.Errorf("mp: a %s cannot be stored in %s: use a number", x.Type(), what())
	}
	return nil
}

func (v *Value) what() string { return fmt.Sprintf("Value(%q)", v.e.tc.code) }

func (v *Value) valid() {
	if v == nil || v.e.tc == nil {
		panic(errZeroValue)
	}
}

// Load returns the value. It panics for a floating-point typecode ("f",
// "d"): use [Value.LoadFloat].
func (v *Value) Load() int {
	v.valid()
	return v.e.load(0, v.what)
}

// Store sets the value to x. It panics with a message when x does not fit
// the typecode (300 in a "b", -1 in an "I").
func (v *Value) Store(x int) {
	v.valid()
	v.e.store(0, x, v.what)
}

// Add atomically adds delta to the value and returns the new value. The
// result wraps around on overflow, as in C. It does not take the lock.
func (v *Value) Add(delta int) int {
	v.valid()
	return v.e.add(0, delta, v.what)
}

// CompareAndSwap sets the value to new if it is old, atomically, and
// reports whether it did.
func (v *Value) CompareAndSwap(old, new int) bool {
	v.valid()
	return v.e.cas(0, old, new, v.what)
}

// LoadFloat returns the value as a float64; it works for every typecode.
func (v *Value) LoadFloat() float64 {
	v.valid()
	return v.e.loadFloat(0, v.what)
}

// StoreFloat sets the value to f. For an integer typecode f must be a
// whole number that fits.
func (v *Value) StoreFloat(f float64) {
	v.valid()
	v.e.storeFloat(0, f, v.what)
}

// AddFloat atomically adds delta to a floating-point value ("f", "d") and
// returns the new value.
func (v *Value) AddFloat(delta float64) float64 {
	v.valid()
	return v.e.addFloat(0, delta, v.what)
}

// Typecode returns the typecode the Value was made with.
func (v *Value) Typecode() string {
	v.valid()
	return v.e.tc.code
}

// GetLock returns the Value's lock, shared by every process using the
// Value. Hold it around a read-modify-write such as v.Store(v.Load()+1).
// It panics for a Value made by [NewRawValue], which has none.
func (v *Value) GetLock() *Lock {
	v.valid()
	if v.lock == nil {
		panic(errors.New("mp: this Value was made by NewRawValue and has no lock: use NewValue, or a separate mp.NewLock()"))
	}
	return v.lock
}

// String formats the value, for instance "5" or "2.5".
func (v *Value) String() string {
	if v == nil || v.e.tc == nil {
		return "Value(invalid)"
	}
	if v.e.tc.float {
		return fmt.Sprint(v.LoadFloat())
	}
	return fmt.Sprint(v.Load())
}

const (
	kindValue = "mp.Value"
	kindArray = "mp.Array"
)

func init() {
	registerKind(kindValue, openValue)
	registerKind(kindArray, openArray)
}

// sharedMeta is the metadata of a shared Value or Array: the typecode, a
// locked flag and the length.
func sharedMeta(tc *typeInfo, locked bool, n int) []byte {
	meta := []byte{tc.code[0], 0}
	if locked {
		meta[1] = 1
	}
	return binary.LittleEndian.AppendUint64(meta, uint64(n))
}

func parseMeta(files []*os.File, meta []byte, what string) (*shm.Segment, *typeInfo, bool, int, error) {
	if len(files) != 1 || len(meta) != 10 {
		return nil, nil, false, 0, fmt.Errorf("mp: open shared %s: bad description", what)
	}
	tc := typecodes[string(meta[:1])]
	if tc == nil {
		return nil, nil, false, 0, fmt.Errorf("mp: open shared %s: bad typecode", what)
	}
	seg, err := shm.Open(files[0])
	if err != nil {
		return nil, nil, false, 0, fmt.Errorf("mp: open shared %s: %w", what, err)
	}
	return seg, tc, meta[1] == 1, int(binary.LittleEndian.Uint64(meta[2:])), nil
}

func (v *Value) share() (string, []*os.File, []byte, error) {
	if v == nil || v.e.tc == nil {
		return "", nil, nil, errZeroValue
	}
	return kindValue, []*os.File{v.seg.File()}, sharedMeta(v.e.tc, v.lock != nil, 1), nil
}

func openValue(files []*os.File, meta []byte) (any, error) {
	seg, tc, locked, _, err := parseMeta(files, meta, "Value")
	if err != nil {
		return nil, err
	}
	if seg.Len() < valueDataOff+tc.size {
		seg.Close()
		return nil, errors.New("mp: open shared Value: memory too small")
	}
	return valueAt(seg, tc, locked), nil
}
