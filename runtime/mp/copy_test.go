package mp

import (
	"math"
	"math/big"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// roundTrip copies v as an item of its own type into a new variable of type
// to (v's type when nil) in this process, as a child would receive it.
func roundTrip(t *testing.T, mode copyMode, v any, to reflect.Type) (reflect.Value, *valueEncoder, error) {
	t.Helper()
	rv := reflect.ValueOf(&v).Elem()
	if v != nil {
		rv = reflect.ValueOf(v)
	}
	w := newValueEncoder(mode, nil)
	if err := w.item("v", rv); err != nil {
		return reflect.Value{}, w, err
	}
	if to == nil {
		to = rv.Type()
	}
	r := newValueDecoder(w.e.b, nil)
	var err error
	if r.shares, err = openShares(w.shareSpecs(), dupFiles(t, w.files())); err != nil {
		t.Fatal(err)
	}
	if w.bulk != nil {
		if r.bulk, err = mapBulk(dupFiles(t, []*os.File{w.bulk})[0]); err != nil {
			t.Fatal(err)
		}
		w.closeBulk()
	}
	dst := reflect.New(to).Elem()
	if err := r.item("v", dst); err != nil {
		return reflect.Value{}, w, err
	}
	if err := r.d.done(); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return dst, w, nil
}

// dupFiles duplicates files, as passing them to another process does.
func dupFiles(t *testing.T, files []*os.File) []*os.File {
	var out []*os.File
	for _, f := range files {
		rc, err := f.SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var nf *os.File
		rc.Control(func(fd uintptr) {
			d, err := unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			nf = os.NewFile(uintptr(d), f.Name())
		})
		out = append(out, nf)
	}
	return out
}

type inner struct {
	Name string
	tags []string
}

type node struct {
	val  int
	next *node
}

type mixed struct {
	A     int
	b     float64
	c     []byte
	d     map[string][]int
	e     [3]int16
	f     *inner
	g     any
	h     []any
	i     complex128
	j     bool
	k     time.Time
	l     *big.Int
	m     error
	n     *int
	o     *int // the same variable as n
	p     [2]string
	q     map[int]*inner
	empty struct{}
}

func TestCopyRoundTrip(t *testing.T) {
	x := 7
	when := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	in := mixed{
		A: -3, b: math.Pi, c: []byte("bytes"), d: map[string][]int{"a": {1, 2}, "z": nil},
		e: [3]int16{1, -2, 3}, f: &inner{"f", []string{"x", "y"}}, g: inner{"g", nil},
		h: []any{42, nil, "hello", 2.5, []int{1}, map[string]any{"k": true}, &inner{Name: "p"}},
		i: complex(1, -2), j: true, k: when, l: big.NewInt(1 << 62), m: os.ErrNotExist,
		n: &x, o: &x, p: [2]string{"p", "q"}, q: map[int]*inner{1: {Name: "one"}},
	}
	got, _, err := roundTrip(t, copyItem, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := got.Interface().(mixed)
	if !reflect.DeepEqual(out.d, in.d) || out.A != in.A || out.b != in.b || string(out.c) != "bytes" || out.e != in.e ||
		!reflect.DeepEqual(out.f, in.f) || !reflect.DeepEqual(out.g, in.g) || out.i != in.i || !out.j ||
		!out.k.Equal(when) || out.l.Cmp(in.l) != 0 || out.p != in.p || out.q[1].Name != "one" {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}
	if !reflect.DeepEqual(out.h, in.h) {
		t.Errorf("[]any: got %#v, want %#v", out.h, in.h)
	}
	if out.m == nil || out.m.Error() != os.ErrNotExist.Error() {
		t.Errorf("error: got %v", out.m)
	}
	if out.n == nil || *out.n != 7 || out.n != out.o || out.n == in.n {
		t.Errorf("pointers: n=%p o=%p (want one new variable holding 7)", out.n, out.o)
	}
}

func TestCopyCycle(t *testing.T) {
	a := &node{val: 1}
	b := &node{val: 2, next: a}
	a.next = b
	got, _, err := roundTrip(t, copyItem, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := got.Interface().(*node)
	if c.val != 1 || c.next.val != 2 || c.next.next != c {
		t.Errorf("cycle not kept: %+v -> %+v -> %p (want %p)", c, c.next, c.next.next, c)
	}
}

// A value decodes into another type of the same structure: the notebook's
// types are not the same Go types in every process (the interpreter builds
// them as unnamed structs whose unexported fields are renamed Xname).
func TestCopyIntoSameStructure(t *testing.T) {
	type point struct {
		x, y int
		tag  string
	}
	interp := reflect.StructOf([]reflect.StructField{
		{Name: "Xx", Type: reflect.TypeOf(0)}, {Name: "Xy", Type: reflect.TypeOf(0)}, {Name: "Xtag", Type: reflect.TypeOf("")},
	})
	got, _, err := roundTrip(t, copyItem, []point{{1, 2, "a"}, {3, 4, "b"}}, reflect.SliceOf(interp))
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != 2 || got.Index(1).Field(1).Int() != 4 || got.Index(0).Field(2).String() != "a" {
		t.Errorf("got %v", got)
	}
	// And back.
	back, _, err := roundTrip(t, copyItem, got.Interface(), reflect.TypeOf([]point{}))
	if err != nil {
		t.Fatal(err)
	}
	if p := back.Interface().([]point); p[1] != (point{3, 4, "b"}) {
		t.Errorf("back: %v", p)
	}
}

func TestCopyMismatch(t *testing.T) {
	type a struct{ X, Y int }
	type b struct{ X, Z int }
	type c struct{ X int }
	type d struct {
		X int
		Y string
	}
	for _, tc := range []struct {
		v    any
		to   any
		want string
	}{
		{a{}, b{}, "fields {X, Y}, this one mp.b"},
		{a{}, c{}, "struct of 2 fields ({X, Y}), this one mp.c of 1"},
		{a{1, 2}, d{}, "v.Y: the sending process has an int, this one a string"},
		{[]a{{}}, []string{}, "v[0]: the sending process has a struct, this one a string"},
		{[2]int{}, [3]int{}, "an array of 2, this one of 3"},
		{300, int8(0), "300 does not fit in int8"},
		{1.5, 0, "1.5 does not fit in int"},
		{[]int{1, 1000}, []uint8{}, "v[1]: 1000 does not fit in uint8"},
	} {
		_, _, err := roundTrip(t, copyItem, tc.v, reflect.TypeOf(tc.to))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%T into %T: %v, want %q", tc.v, tc.to, err, tc.want)
		}
	}
	// Numbers convert when they fit, as constants do.
	got, _, err := roundTrip(t, copyItem, []int{1, 2, 255}, reflect.TypeOf([]uint8{}))
	if err != nil || !reflect.DeepEqual(got.Interface(), []uint8{1, 2, 255}) {
		t.Errorf("[]int into []uint8: %v, %v", got, err)
	}
}

func TestCopyCannot(t *testing.T) {
	type withChan struct {
		N  int
		Ch chan int
		F  func()
	}
	local := 1
	v := withChan{N: 5, Ch: make(chan int), F: func() { local++ }}
	_, _, err := roundTrip(t, copyItem, v, nil)
	if err == nil || !strings.Contains(err.Error(), "v.Ch (a chan int) cannot be copied to another process: channels work within one process") {
		t.Errorf("item with a channel: %v", err)
	}
	got, w, err := roundTrip(t, copyGlobal, v, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := got.Interface().(withChan)
	if out.N != 5 || out.Ch != nil || out.F != nil {
		t.Errorf("global: got %+v, want N 5 and nil channel and function", out)
	}
	if len(w.notes) != 2 || !strings.Contains(w.notes[0], "v.Ch (a chan int) is not copied to the child, which sees nil") ||
		!strings.Contains(w.notes[1], "v.F (a func()) is not copied") {
		t.Errorf("notes: %q", w.notes)
	}
	if _, _, err := roundTrip(t, copyItem, NewLock(), nil); err == nil || !strings.Contains(err.Error(), "cannot be sent") {
		t.Errorf("a Lock as an item: %v", err)
	}
}

// Shared objects nested anywhere cross as the same object, once each.
func TestCopyShares(t *testing.T) {
	type holder struct {
		L    *Lock
		Vals []*Value
		Any  any
		Same *Lock
	}
	l := NewLock()
	v := NewValue("i", 5)
	h := holder{L: l, Vals: []*Value{v, nil, v}, Any: v, Same: l}
	got, w, err := roundTrip(t, copyArg, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.shares) != 2 {
		t.Errorf("%d shares, want 2 (the lock and the value, once each)", len(w.shares))
	}
	out := got.Interface().(holder)
	if out.L != out.Same || out.Vals[0] != out.Vals[2] || out.Vals[1] != nil || out.Any.(*Value) != out.Vals[0] {
		t.Errorf("shared objects not kept the same: %+v", out)
	}
	out.Vals[0].Add(1)
	if v.Load() != 6 {
		t.Errorf("the copy's Value is not the same memory: %d", v.Load())
	}
	if !out.L.TryLock() || l.TryLock() {
		t.Errorf("the copy's Lock is not the same lock")
	}
}

// Slices of numbers are copied as memory, whatever their size.
func TestCopyBulk(t *testing.T) {
	big := make([]float64, 1<<20)
	for i := range big {
		big[i] = float64(i) / 3
	}
	got, w, err := roundTrip(t, copyItem, big, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(w.e.b); n > 8<<20+64 {
		t.Errorf("encoded %d bytes for 8 MiB of floats", n)
	}
	if !reflect.DeepEqual(got.Interface(), big) {
		t.Error("bulk copy differs")
	}
}

// Large slices of numbers going to a child travel in a memory file the
// child maps: its slice uses the mapping, copy-on-write.
func TestCopyBulkFile(t *testing.T) {
	type data struct {
		Big   []float64
		Small []int32
		Arr   [1 << 14]int64
	}
	in := data{Big: make([]float64, 1<<18), Small: []int32{1, 2}}
	for i := range in.Big {
		in.Big[i] = float64(i) * 1.5
	}
	in.Arr[100] = 7
	got, w, err := roundTrip(t, copyArg, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(w.e.b); n > 1024 {
		t.Errorf("the message holds %d bytes; the large slices belong in the bulk file", n)
	}
	out := got.Interface().(data)
	if !reflect.DeepEqual(out, in) {
		t.Fatal("bulk copy differs")
	}
	out.Big[0] = 42 // the mapping is private: writable, and the parent's is untouched
	if in.Big[0] != 0 {
		t.Error("writing the copy changed the original")
	}
}

// A corrupt message is an error, never a panic.
func FuzzCopyDecode(f *testing.F) {
	for _, v := range []any{mixed{h: []any{1, "x"}}, []int{1, 2}, map[string]any{"a": []any{nil}}, &node{val: 3}} {
		w := newValueEncoder(copyItem, nil)
		x := v
		w.item("v", reflect.ValueOf(&x).Elem())
		f.Add(w.e.b)
	}
	trustOffsets = false
	defer func() { trustOffsets = true }()
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		r := newValueDecoder(b, nil)
		r.item("v", reflect.ValueOf(&v).Elem())
		var m mixed
		r = newValueDecoder(b, nil)
		r.item("v", reflect.ValueOf(&m).Elem())
	})
}
