package mp

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync/atomic"
	"unsafe"
)

// A typeInfo describes one of Python's array typecodes, the C type each
// element of a Value or Array holds.
type typeInfo struct {
	code   string
	cname  string // the C type, for messages
	size   int    // bytes
	float  bool
	signed bool
	view   string // the Array method returning a typed slice
}

// typecodes are Python's ctypes typecodes (multiprocessing.sharedctypes),
// with C long as 8 bytes as on 64-bit Linux.
var typecodes = map[string]*typeInfo{
	"c": {"c", "char", 1, false, false, "Uint8s"},
	"b": {"b", "signed char", 1, false, true, "Int8s"},
	"B": {"B", "unsigned char", 1, false, false, "Uint8s"},
	"h": {"h", "short", 2, false, true, "Int16s"},
	"H": {"H", "unsigned short", 2, false, false, "Uint16s"},
	"i": {"i", "int", 4, false, true, "Int32s"},
	"I": {"I", "unsigned int", 4, false, false, "Uint32s"},
	"l": {"l", "long", 8, false, true, "Int64s"},
	"L": {"L", "unsigned long", 8, false, false, "Uint64s"},
	"q": {"q", "long long", 8, false, true, "Int64s"},
	"Q": {"Q", "unsigned long long", 8, false, false, "Uint64s"},
	"f": {"f", "float", 4, true, true, "Float32s"},
	"d": {"d", "double", 8, true, true, "Float64s"},
}

// tcInt is typecode 'i' (C int), for the Array's fast paths.
var tcInt = typecodes["i"]

// lookupTypecode returns the typecode's description or panics with a
// message listing the valid ones.
func lookupTypecode(code string) *typeInfo {
	if tc := typecodes[code]; tc != nil {
		return tc
	}
	var valid []string
	for c, tc := range typecodes {
		valid = append(valid, fmt.Sprintf("%q (%s)", c, tc.cname))
	}
	sort.Strings(valid)
	panic(fmt.Errorf("mp: unknown typecode %q: use one of %s", code, strings.Join(valid, ", ")))
}

// rangeOf returns the smallest and largest values the typecode holds, for
// messages.
func (tc *typeInfo) rangeOf() string {
	bits := uint(tc.size * 8)
	if tc.signed {
		return fmt.Sprintf("%d..%d", -(int64(1) << (bits - 1)), int64(1)<<(bits-1)-1)
	}
	if bits == 64 {
		return fmt.Sprintf("0..%d", uint64(math.MaxUint64))
	}
	return fmt.Sprintf("0..%d", uint64(1)<<bits-1)
}

// fits reports whether v can be stored in an integer of this typecode.
func (tc *typeInfo) fits(v int) bool {
	if tc.float {
		return true
	}
	bits := uint(tc.size * 8)
	if tc.signed {
		if bits == 64 {
			return true
		}
		return v >= -(1<<(bits-1)) && v < 1<<(bits-1)
	}
	if v < 0 {
		return false
	}
	return bits == 64 || uint64(v) < uint64(1)<<bits
}

// fromBits converts an element's raw bits to an int.
func (tc *typeInfo) fromBits(b uint64) int {
	if tc.signed {
		shift := 64 - uint(tc.size*8)
		return int(int64(b<<shift) >> shift)
	}
	return int(b)
}

// toBits truncates v to the element size.
func (tc *typeInfo) toBits(v int) uint64 {
	if tc.size == 8 {
		return uint64(v)
	}
	return uint64(v) & (uint64(1)<<(tc.size*8) - 1)
}

func (tc *typeInfo) floatFromBits(b uint64) float64 {
	if tc.size == 4 {
		return float64(math.Float32frombits(uint32(b)))
	}
	return math.Float64frombits(b)
}

func (tc *typeInfo) floatToBits(f float64) uint64 {
	if tc.size == 4 {
		return uint64(math.Float32bits(float32(f)))
	}
	return math.Float64bits(f)
}

// elems is the memory of a Value (one element) or an Array: n elements of
// one typecode at base, accessed atomically. Elements of 1 and 2 bytes are
// read and written through the aligned 4-byte word that contains them.
type elems struct {
	tc   *typeInfo
	base unsafe.Pointer
	n    int
}

// word returns the aligned uint32 holding a 1- or 2-byte element at p and
// the element's bit shift inside it.
func word(p unsafe.Pointer) (*uint32, uint) {
	k := uintptr(p) & 3
	w := (*uint32)(unsafe.Add(p, -int(k)))
	shift := uint(k) * 8
	if !littleEndian {
		shift = 32 - shift - 8
	}
	return w, shift
}

var littleEndian = func() bool { x := uint16(1); return *(*byte)(unsafe.Pointer(&x)) == 1 }()

func (e *elems) ptr(i int) unsafe.Pointer { return unsafe.Add(e.base, i*e.tc.size) }

func (e *elems) loadBits(i int) uint64 {
	p := e.ptr(i)
	switch e.tc.size {
	case 8:
		return atomic.LoadUint64((*uint64)(p))
	case 4:
		return uint64(atomic.LoadUint32((*uint32)(p)))
	}
	w, shift := word(p)
	mask := uint32(1)<<(e.tc.size*8) - 1
	if e.tc.size == 2 && !littleEndian {
		shift -= 8
	}
	return uint64(atomic.LoadUint32(w) >> shift & mask)
}

func (e *elems) casBits(i int, old, new uint64) bool {
	p := e.ptr(i)
	switch e.tc.size {
	case 8:
		return atomic.CompareAndSwapUint64((*uint64)(p), old, new)
	case 4:
		return atomic.CompareAndSwapUint32((*uint32)(p), uint32(old), uint32(new))
	}
	w, shift := word(p)
	if e.tc.size == 2 && !littleEndian {
		shift -= 8
	}
	mask := uint32(1)<<(e.tc.size*8) - 1
	for {
		cur := atomic.LoadUint32(w)
		if uint64(cur>>shift&mask) != old {
			return false
		}
		next := cur&^(mask<<shift) | uint32(new)<<shift
		if atomic.CompareAndSwapUint32(w, cur, next) {
			return true
		}
	}
}

func (e *elems) storeBits(i int, b uint64) {
	p := e.ptr(i)
	switch e.tc.size {
	case 8:
		atomic.StoreUint64((*uint64)(p), b)
		return
	case 4:
		atomic.StoreUint32((*uint32)(p), uint32(b))
		return
	}
	for {
		old := e.loadBits(i)
		if e.casBits(i, old, b) {
			return
		}
	}
}

// what names the container in messages: "Value('i')" or "Array('i')".
type describer func() string

func (e *elems) load(i int, what describer) int {
	if e.tc.float {
		panic(fmt.Errorf("mp: %s holds floating-point numbers: use LoadFloat", what()))
	}
	return e.tc.fromBits(e.loadBits(i))
}

func (e *elems) store(i, v int, what describer) {
	if e.tc.float {
		e.storeBits(i, e.tc.floatToBits(float64(v)))
		return
	}
	if !e.tc.fits(v) {
		panic(fmt.Errorf("mp: %d does not fit %s, whose C %s holds %s", v, what(), e.tc.cname, e.tc.rangeOf()))
	}
	e.storeBits(i, e.tc.toBits(v))
}

func (e *elems) add(i, delta int, what describer) int {
	if e.tc.float {
		panic(fmt.Errorf("mp: %s holds floating-point numbers: use AddFloat", what()))
	}
	for {
		old := e.loadBits(i)
		v := e.tc.fromBits(old) + delta
		nb := e.tc.toBits(v)
		if e.casBits(i, old, nb) {
			return e.tc.fromBits(nb)
		}
	}
}

func (e *elems) cas(i, old, new int, what describer) bool {
	if e.tc.float {
		panic(fmt.Errorf("mp: %s holds floating-point numbers: compare them with LoadFloat and StoreFloat under the lock", what()))
	}
	if !e.tc.fits(new) {
		panic(fmt.Errorf("mp: %d does not fit %s, whose C %s holds %s", new, what(), e.tc.cname, e.tc.rangeOf()))
	}
	if !e.tc.fits(old) {
		return false
	}
	return e.casBits(i, e.tc.toBits(old), e.tc.toBits(new))
}

func (e *elems) loadFloat(i int, what describer) float64 {
	if !e.tc.float {
		return float64(e.tc.fromBits(e.loadBits(i)))
	}
	return e.tc.floatFromBits(e.loadBits(i))
}

func (e *elems) storeFloat(i int, f float64, what describer) {
	if !e.tc.float {
		if f != math.Trunc(f) || math.IsInf(f, 0) || f < math.MinInt64 || f >= math.MaxInt64 {
			panic(fmt.Errorf("mp: %v does not fit %s, which holds integers: use Store with a whole number", f, what()))
		}
		e.store(i, int(f), what)
		return
	}
	e.storeBits(i, e.tc.floatToBits(f))
}

func (e *elems) addFloat(i int, delta float64, what describer) float64 {
	if !e.tc.float {
		panic(fmt.Errorf("mp: %s holds integers: use Add", what()))
	}
	for {
		old := e.loadBits(i)
		nb := e.tc.floatToBits(e.tc.floatFromBits(old) + delta)
		if e.casBits(i, old, nb) {
			return e.tc.floatFromBits(nb)
		}
	}
}
