package mp

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/gopherlab/gopherlab/runtime/shm"
)

// An Array is a fixed-length sequence of numbers of one typecode in shared
// memory, like Python's multiprocessing.Array: every process it is passed
// to (as an argument of [NewProcess]) reads and writes the same memory.
// Create one with [NewArray] or [NewRawArray]; the zero value is not
// usable, and an Array must not be copied (pass the pointer).
//
// Elements are read and written one at a time, atomically, with Load,
// Store, Add and CompareAndSwap (LoadFloat, StoreFloat and AddFloat for
// "f" and "d"), copied out whole with [Array.Ints] or [Array.Floats], or
// worked on in place through a typed slice over the shared memory, such as
// [Array.Int32s] for typecode "i", for fast loops. A sequence of
// operations is not atomic: hold the Array's lock ([Array.GetLock]) around
// it.
type Array struct {
	seg  *shm.Segment
	e    elems
	lock *Lock
	i32  []int32 // the elements of a C int ('i') Array, for the fast paths
}

// NewArray returns a new Array of the typecode (see [NewValue] for the
// list) with a lock of its own ([Array.GetLock]). sizeOrValues is either
// a length, for an Array of zeros, or a slice of Go numbers to copy in
// (for "c" also a string or []byte). Python writes Array('i', range(10));
// Go writes mp.NewArray("i", []int{0, 1, 2, ...}) or mp.NewArray("i", 10).
//
// NewArray panics with a message saying what to change when the typecode
// is unknown, the size negative, or a value does not fit the typecode.
func NewArray(typecode string, sizeOrValues any) *Array {
	return newArray(typecode, sizeOrValues, true)
}

// NewRawArray is like [NewArray] but the Array has no lock, like Python's
// RawArray: [Array.GetLock] panics.
func NewRawArray(typecode string, sizeOrValues any) *Array {
	return newArray(typecode, sizeOrValues, false)
}

func newArray(typecode string, sizeOrValues any, locked bool) *Array {
	tc := lookupTypecode(typecode)
	x := reflect.ValueOf(sizeOrValues)
	n := 0
	switch x.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if x.CanInt() && x.Int() < 0 {
			panic(fmt.Errorf("mp: Array size %d is negative", x.Int()))
		}
		if x.CanInt() {
			n = int(x.Int())
		} else {
			n = int(x.Uint())
		}
		x = reflect.Value{}
	case reflect.Slice, reflect.Array:
		n = x.Len()
	case reflect.String:
		if tc.code != "c" && tc.code != "b" && tc.code != "B" {
			panic(fmt.Errorf("mp: a string can only fill an Array of typecode \"c\", \"b\" or \"B\", not %q", typecode))
		}
		x = reflect.ValueOf([]byte(x.String()))
		n = x.Len()
	default:
		panic(fmt.Errorf("mp: NewArray(%q, %v): the second argument must be a length or a slice of numbers", typecode, sizeOrValues))
	}
	if n > (1<<40)/tc.size {
		panic(fmt.Errorf("mp: Array of %d elements is too large", n))
	}
	seg := mustSegment(max(arrayDataOff+n*tc.size, lockSegmentSize))
	a := arrayAt(seg, tc, n, locked)
	if x.IsValid() {
		for i := range n {
			if err := setElem(&a.e, i, x.Index(i), a.what); err != nil {
				seg.Close()
				panic(fmt.Errorf("%w (element %d)", err, i))
			}
		}
	}
	return a
}

func arrayAt(seg *shm.Segment, tc *typeInfo, n int, locked bool) *Array {
	a := &Array{seg: seg, e: elems{tc: tc, base: unsafe.Pointer(&seg.Bytes()[arrayDataOff]), n: n}}
	if tc == tcInt {
		a.i32 = unsafe.Slice((*int32)(a.e.base), n)
	}
	if locked {
		a.lock = newLock(seg, 0, nil)
	}
	return a
}

func (a *Array) what() string { return fmt.Sprintf("Array(%q)", a.e.tc.code) }

func (a *Array) index(i int) {
	if a == nil || a.e.tc == nil {
		panic(errZeroArray)
	}
	if uint(i) >= uint(a.e.n) {
		panic(fmt.Errorf("mp: index %d out of range for an Array of length %d (valid: 0..%d)", i, a.e.n, a.e.n-1))
	}
}

func (a *Array) valid() {
	if a == nil || a.e.tc == nil {
		panic(errZeroArray)
	}
}

// Len returns the number of elements.
func (a *Array) Len() int {
	a.valid()
	return a.e.n
}

// Typecode returns the typecode the Array was made with.
func (a *Array) Typecode() string {
	a.valid()
	return a.e.tc.code
}

// Load returns element i. It panics when i is out of range, and for a
// floating-point typecode: use [Array.LoadFloat].
func (a *Array) Load(i int) int {
	// The fast path, small enough for the compiler to inline into a
	// learner's loop: a C int ('i', the tutorial's) in range.
	if uint(i) < uint(len(a.i32)) {
		return int(atomic.LoadInt32(&a.i32[i]))
	}
	return a.load(i)
}

func (a *Array) load(i int) int {
	a.index(i)
	return a.e.load(i, a.what)
}

// Store sets element i to x. It panics when i is out of range or x does
// not fit the typecode.
func (a *Array) Store(i, x int) {
	// The fast path: a C int in range, a value that fits.
	if uint(i) < uint(len(a.i32)) && uint(x+1<<31) < 1<<32 {
		atomic.StoreInt32(&a.i32[i], int32(x))
	} else {
		a.store(i, x)
	}
}

func (a *Array) store(i, x int) {
	a.index(i)
	a.e.store(i, x, a.what)
}

// Add atomically adds delta to element i and returns the new value,
// wrapping around on overflow as in C.
func (a *Array) Add(i, delta int) int {
	a.index(i)
	return a.e.add(i, delta, a.what)
}

// CompareAndSwap sets element i to new if it is old, atomically, and
// reports whether it did.
func (a *Array) CompareAndSwap(i, old, new int) bool {
	a.index(i)
	return a.e.cas(i, old, new, a.what)
}

// LoadFloat returns element i as a float64; it works for every typecode.
func (a *Array) LoadFloat(i int) float64 {
	a.index(i)
	return a.e.loadFloat(i, a.what)
}

// StoreFloat sets element i to f. For an integer typecode f must be a
// whole number that fits.
func (a *Array) StoreFloat(i int, f float64) {
	a.index(i)
	a.e.storeFloat(i, f, a.what)
}

// AddFloat atomically adds delta to element i of a floating-point Array
// and returns the new value.
func (a *Array) AddFloat(i int, delta float64) float64 {
	a.index(i)
	return a.e.addFloat(i, delta, a.what)
}

// Ints returns a copy of the elements as ints, like Python's arr[:]. It
// panics for a floating-point typecode: use [Array.Floats].
func (a *Array) Ints() []int {
	a.valid()
	out := make([]int, a.e.n)
	for i := range out {
		out[i] = a.e.load(i, a.what)
	}
	return out
}

// Floats returns a copy of the elements as float64s; it works for every
// typecode.
func (a *Array) Floats() []float64 {
	a.valid()
	out := make([]float64, a.e.n)
	for i := range out {
		out[i] = a.e.loadFloat(i, a.what)
	}
	return out
}

// GetLock returns the Array's lock, shared by every process using the
// Array. It panics for an Array made by [NewRawArray], which has none.
func (a *Array) GetLock() *Lock {
	a.valid()
	if a.lock == nil {
		panic(errors.New("mp: this Array was made by NewRawArray and has no lock: use NewArray, or a separate mp.NewLock()"))
	}
	return a.lock
}

// String formats the elements like a Go slice, for instance "[0 -1 -2]".
func (a *Array) String() string {
	if a == nil || a.e.tc == nil {
		return "Array(invalid)"
	}
	var b strings.Builder
	b.WriteByte('[')
	for i := range a.e.n {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a.e.tc.float {
			fmt.Fprint(&b, a.e.loadFloat(i, a.what))
		} else {
			fmt.Fprint(&b, a.e.load(i, a.what))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// view checks that the Array's typecode is one of codes for the typed
// slice method name, and returns the element pointer.
func (a *Array) view(name string, codes string) unsafe.Pointer {
	a.valid()
	if !strings.Contains(codes, a.e.tc.code) {
		panic(fmt.Errorf("mp: %s needs an Array of typecode %s, but this is %s: use %s", name,
			strings.Join(strings.Split(codes, ""), " or "), a.what(), a.e.tc.view))
	}
	a.seg.Pin() // the slice may outlive the Array
	return a.e.base
}

// The typed slice views share the Array's memory: writes through them are
// seen by every process, without locking or atomicity. They stay valid as
// long as the process runs.

// Int8s returns the elements of a "b" Array as a slice over the shared
// memory.
func (a *Array) Int8s() []int8 { return unsafe.Slice((*int8)(a.view("Int8s", "b")), a.e.n) }

// Uint8s returns the elements of a "B" or "c" Array as a slice over the
// shared memory.
func (a *Array) Uint8s() []uint8 { return unsafe.Slice((*uint8)(a.view("Uint8s", "Bc")), a.e.n) }

// Int16s returns the elements of an "h" Array as a slice over the shared
// memory.
func (a *Array) Int16s() []int16 { return unsafe.Slice((*int16)(a.view("Int16s", "h")), a.e.n) }

// Uint16s returns the elements of an "H" Array as a slice over the shared
// memory.
func (a *Array) Uint16s() []uint16 { return unsafe.Slice((*uint16)(a.view("Uint16s", "H")), a.e.n) }

// Int32s returns the elements of an "i" Array as a slice over the shared
// memory: the fast way to work on a whole Array, for instance to negate
// every element in a child process.
func (a *Array) Int32s() []int32 { return unsafe.Slice((*int32)(a.view("Int32s", "i")), a.e.n) }

// Uint32s returns the elements of an "I" Array as a slice over the shared
// memory.
func (a *Array) Uint32s() []uint32 { return unsafe.Slice((*uint32)(a.view("Uint32s", "I")), a.e.n) }

// Int64s returns the elements of an "l" or "q" Array as a slice over the
// shared memory.
func (a *Array) Int64s() []int64 { return unsafe.Slice((*int64)(a.view("Int64s", "lq")), a.e.n) }

// Uint64s returns the elements of an "L" or "Q" Array as a slice over the
// shared memory.
func (a *Array) Uint64s() []uint64 { return unsafe.Slice((*uint64)(a.view("Uint64s", "LQ")), a.e.n) }

// Float32s returns the elements of an "f" Array as a slice over the shared
// memory.
func (a *Array) Float32s() []float32 {
	return unsafe.Slice((*float32)(a.view("Float32s", "f")), a.e.n)
}

// Float64s returns the elements of a "d" Array as a slice over the shared
// memory.
func (a *Array) Float64s() []float64 {
	return unsafe.Slice((*float64)(a.view("Float64s", "d")), a.e.n)
}

func (a *Array) share() (string, []*os.File, []byte, error) {
	if a == nil || a.e.tc == nil {
		return "", nil, nil, errZeroArray
	}
	return kindArray, []*os.File{a.seg.File()}, sharedMeta(a.e.tc, a.lock != nil, a.e.n), nil
}

func openArray(files []*os.File, meta []byte) (any, error) {
	seg, tc, locked, n, err := parseMeta(files, meta, "Array")
	if err != nil {
		return nil, err
	}
	if n < 0 || seg.Len() < arrayDataOff+n*tc.size {
		seg.Close()
		return nil, errors.New("mp: open shared Array: memory too small for its length")
	}
	return arrayAt(seg, tc, n, locked), nil
}
