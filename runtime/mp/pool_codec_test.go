package mp

import (
	"reflect"
	"testing"
)

type poolPoint struct {
	X, Y int
	Tag  string
}

type celsius float64

// TestPoolColumns round-trips a column of each kind through the pool's
// codec, twice over the same gob stream.
func TestPoolColumns(t *testing.T) {
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
		[]poolPoint{{1, 2, "a"}, {}, {-3, 4, "b"}},
		[]map[string]int{{"a": 1}, nil},
		[][]int{{1, 2}, nil, {}},
		[]any{1, "two", 3.5, nil, []int{4}},
	}
	var out gobOut
	var in gobIn
	for round := 0; round < 2; round++ {
		for _, c := range cols {
			col := reflect.ValueOf(c)
			var e encoder
			if err := encodeColumn(&e, col, &out); err != nil {
				t.Fatalf("encode %T: %v", c, err)
			}
			d := decoder{b: e.b}
			got, err := decodeColumn(&d, col.Type().Elem(), col.Len(), &in)
			if err != nil || d.done() != nil {
				t.Fatalf("decode %T: %v %v", c, err, d.done())
			}
			want := c
			if m, ok := c.([]map[string]int); ok {
				want = []map[string]int{m[0], {}} // gob sends a nil map as empty
			}
			if s, ok := c.([][]int); ok {
				want = [][]int{s[0], nil, nil} // and an empty slice as nil
			}
			if !reflect.DeepEqual(got.Interface(), want) {
				t.Errorf("round %d: %T: got %v, want %v", round, c, got.Interface(), want)
			}
		}
	}
}

// TestPoolGobStream checks that a type's description crosses once per
// stream: the second column of structs costs only its values.
func TestPoolGobStream(t *testing.T) {
	var out gobOut
	col := reflect.ValueOf([]poolPoint{{1, 2, "a"}})
	first, fresh, err := out.encode(col)
	if err != nil || !fresh {
		t.Fatal(err, fresh)
	}
	first = append([]byte(nil), first...) // encode reuses its buffer
	n1 := len(first)
	second, fresh, err := out.encode(col)
	if err != nil || fresh {
		t.Fatal(err, fresh)
	}
	if len(second) >= n1/2 {
		t.Errorf("second encoding of the same type is %d bytes, the first %d: the description was sent again", len(second), n1)
	}
	// A decoder that missed the first message cannot decode the second,
	// and says so instead of guessing.
	var in gobIn
	p := reflect.New(col.Type())
	if err := in.decode(second, false, p); err != errStreamLost || !in.lost() {
		t.Errorf("decoding without the stream's start: %v, lost %v", err, in.lost())
	}
	if err := in.decode(first, true, p); err != nil || in.lost() {
		t.Errorf("decoding a fresh stream: %v", err)
	}
}

// TestPoolColumnKindChanged checks that a column of another kind than the
// receiver's type is refused with a message, not misread.
func TestPoolColumnKindChanged(t *testing.T) {
	var e encoder
	if err := encodeColumn(&e, reflect.ValueOf([]string{"a"}), &gobOut{}); err != nil {
		t.Fatal(err)
	}
	d := decoder{b: e.b}
	if _, err := decodeColumn(&d, reflect.TypeOf(0), 1, &gobIn{}); err == nil {
		t.Error("a string column decoded as ints")
	}
	e = encoder{}
	encodeColumn(&e, reflect.ValueOf([]int{300}), &gobOut{})
	d = decoder{b: e.b}
	if _, err := decodeColumn(&d, reflect.TypeOf(int8(0)), 1, &gobIn{}); err == nil {
		t.Error("300 decoded into an int8")
	}
}
