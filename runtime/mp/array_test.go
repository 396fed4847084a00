package mp

import (
	"slices"
	"testing"
)

func init() {
	helpers["negate"] = func(objs []any, args []string) int {
		a := objs[0].(*Array)
		for i, x := range a.Int32s() {
			a.Int32s()[i] = -x
		}
		return 0
	}
	helpers["array-add"] = func(objs []any, args []string) int {
		a := objs[0].(*Array)
		for range atoi(args[0]) {
			for i := range a.Len() {
				a.Add(i, 1)
			}
		}
		return 0
	}
}

func TestArrayNegatedByChild(t *testing.T) {
	checkNoLeaks(t)
	vals := make([]int, 10)
	for i := range vals {
		vals[i] = i
	}
	a := NewArray("i", vals)
	waitHelpers(t, startHelper(t, "negate", nil, a))
	want := []int{0, -1, -2, -3, -4, -5, -6, -7, -8, -9}
	if got := a.Ints(); !slices.Equal(got, want) {
		t.Errorf("after the child negated: %v, want %v", got, want)
	}
	if a.String() != "[0 -1 -2 -3 -4 -5 -6 -7 -8 -9]" {
		t.Errorf("String = %q", a.String())
	}
}

func TestArrayAtomicAddAcrossProcesses(t *testing.T) {
	for _, code := range []string{"b", "h", "i", "q"} {
		t.Run(code, func(t *testing.T) {
			// Neighbouring 1- and 2-byte elements share a word: Add must
			// not lose updates to the neighbours.
			a := NewRawArray(code, 7)
			c1 := startHelper(t, "array-add", []string{"50"}, a)
			c2 := startHelper(t, "array-add", []string{"50"}, a)
			waitHelpers(t, c1, c2)
			for i, x := range a.Ints() {
				if x != 100 {
					t.Errorf("element %d = %d, want 100", i, x)
				}
			}
		})
	}
}

func TestArrayElements(t *testing.T) {
	a := NewArray("h", []int{1, -2, 3})
	if a.Len() != 3 || a.Typecode() != "h" {
		t.Fatalf("Len %d Typecode %q", a.Len(), a.Typecode())
	}
	a.Store(1, -32768)
	if a.Load(1) != -32768 || a.Load(0) != 1 || a.Load(2) != 3 {
		t.Errorf("elements %v", a.Ints())
	}
	if a.Add(2, 4) != 7 || !a.CompareAndSwap(0, 1, 9) || a.CompareAndSwap(0, 1, 9) {
		t.Errorf("Add/CompareAndSwap wrong: %v", a.Ints())
	}
	if !slices.Equal(a.Floats(), []float64{9, -32768, 7}) {
		t.Errorf("Floats = %v", a.Floats())
	}
	a.Int16s()[0] = 5
	if a.Load(0) != 5 {
		t.Error("write through Int16s not seen by Load")
	}
	d := NewArray("d", []float64{0.5, 1.5})
	d.StoreFloat(0, 2.5)
	d.AddFloat(1, 1)
	if !slices.Equal(d.Float64s(), []float64{2.5, 2.5}) || d.String() != "[2.5 2.5]" {
		t.Errorf("d = %v", d)
	}
	f := NewArray("f", 2)
	f.Float32s()[1] = 0.25
	if f.LoadFloat(1) != 0.25 {
		t.Errorf("f = %v", f)
	}
	s := NewArray("c", "hi")
	if string(s.Uint8s()) != "hi" {
		t.Errorf("c = %v", s.Uint8s())
	}
	for _, tc := range []struct {
		code string
		view func(*Array) int
	}{
		{"b", func(a *Array) int { return len(a.Int8s()) }},
		{"B", func(a *Array) int { return len(a.Uint8s()) }},
		{"H", func(a *Array) int { return len(a.Uint16s()) }},
		{"I", func(a *Array) int { return len(a.Uint32s()) }},
		{"l", func(a *Array) int { return len(a.Int64s()) }},
		{"L", func(a *Array) int { return len(a.Uint64s()) }},
		{"i", func(a *Array) int { return len(a.Int32s()) }},
	} {
		if n := tc.view(NewArray(tc.code, 4)); n != 4 {
			t.Errorf("view of %q has %d elements, want 4", tc.code, n)
		}
	}
	if NewArray("i", 0).Len() != 0 {
		t.Error("empty Array")
	}
}

func TestArrayBadUse(t *testing.T) {
	a := NewArray("i", 3)
	mustPanic(t, "index 3 out of range for an Array of length 3 (valid: 0..2)", func() { a.Load(3) })
	mustPanic(t, "index -1 out of range", func() { a.Store(-1, 0) })
	mustPanic(t, "Float64s needs an Array of typecode d, but this is Array(\"i\"): use Int32s", func() { a.Float64s() })
	mustPanic(t, "Int64s needs an Array of typecode l or q", func() { a.Int64s() })
	mustPanic(t, "does not fit", func() { a.Store(0, 1<<40) })
	mustPanic(t, "does not fit Array(\"B\"), whose C unsigned char holds 0..255 (element 1)", func() { NewArray("B", []int{1, 256}) })
	mustPanic(t, "negative", func() { NewArray("i", -1) })
	mustPanic(t, "must be a length or a slice", func() { NewArray("i", 1.5) })
	mustPanic(t, "unknown typecode", func() { NewArray("z", 1) })
	mustPanic(t, "has no lock", func() { NewRawArray("i", 1).GetLock() })
	mustPanic(t, "use LoadFloat", func() { NewArray("d", 1).Ints() })
	mustPanic(t, "not made by mp.NewArray", func() { var a Array; a.Len() })
}
