package mp

import (
	"reflect"
	"testing"
)

type poolPoint struct {
	X, Y int
	tag  string // unexported fields are copied too, as for a Process
	next *poolPoint
}

type celsius float64

// TestPoolColumns round-trips a column of each kind through the pool's
// codec: the direct encodings of numbers, booleans, strings and byte
// slices, and the structural copy of the others.
func TestPoolColumns(t *testing.T) {
	shared := &poolPoint{X: 9}
	cols := []any{
		[]int{0, 1, -1, 1 << 62, -1 << 63},
		[]int8{-128, 127},
		[]uint16{0, 65535},
		[]uint64{1<<64 - 1},
		[]float64{0, -2.5, 1e300},
		[]float32{1.5, -3},
		[]celsius{36.6},
		[]bool{true, false},
		[]string{"", "héllo", "a\x00b"},
		[][]byte{{}, {1, 2, 3}},
		[]poolPoint{{1, 2, "a", shared}, {}, {-3, 4, "b", shared}},
		[]map[string]int{{"a": 1}, nil},
		[][]int{{1, 2}, nil, {}},
		[]any{1, "two", 3.5, nil, []int{4}},
	}
	for _, c := range cols {
		col := reflect.ValueOf(c)
		var e encoder
		if err := encodeColumn(&e, col, "items"); err != nil {
			t.Fatalf("encode %T: %v", c, err)
		}
		d := decoder{b: e.b}
		got, err := decodeColumn(&d, col.Type().Elem(), col.Len(), "items")
		if err != nil || d.done() != nil {
			t.Fatalf("decode %T: %v %v", c, err, d.done())
		}
		if !reflect.DeepEqual(got.Interface(), c) {
			t.Errorf("%T: got %v, want %v", c, got.Interface(), c)
		}
	}
	// Pointers to the same value stay so within a column.
	var e encoder
	encodeColumn(&e, reflect.ValueOf([]poolPoint{{next: shared}, {next: shared}}), "items")
	d := decoder{b: e.b}
	got, _ := decodeColumn(&d, reflect.TypeOf(poolPoint{}), 2, "items")
	ps := got.Interface().([]poolPoint)
	if ps[0].next == nil || ps[0].next != ps[1].next || ps[0].next.X != 9 {
		t.Errorf("shared pointer not kept: %+v", ps)
	}
}

// TestPoolColumnKindChanged checks that a column of another kind than the
// receiver's type is refused with a message, not misread.
func TestPoolColumnKindChanged(t *testing.T) {
	var e encoder
	if err := encodeColumn(&e, reflect.ValueOf([]string{"a"}), "items"); err != nil {
		t.Fatal(err)
	}
	d := decoder{b: e.b}
	if _, err := decodeColumn(&d, reflect.TypeOf(0), 1, "items"); err == nil {
		t.Error("a string column decoded as ints")
	}
	e = encoder{}
	encodeColumn(&e, reflect.ValueOf([]int{300}), "items")
	d = decoder{b: e.b}
	if _, err := decodeColumn(&d, reflect.TypeOf(int8(0)), 1, "items"); err == nil {
		t.Error("300 decoded into an int8")
	}
}
