package mp

import (
	"math"
	"strings"
	"testing"
)

func init() {
	helpers["value-write"] = func(objs []any, args []string) int {
		i, d, c := objs[0].(*Value), objs[1].(*Value), objs[2].(*Value)
		if i.Load() != 7 || d.LoadFloat() != 1.5 || c.Load() != 'x' {
			return 3 // the child does not see the parent's values
		}
		i.Store(-42)
		d.StoreFloat(math.Pi)
		c.Store('y')
		return 0
	}
}

func TestValueSeenAcrossProcesses(t *testing.T) {
	checkNoLeaks(t)
	i := NewValue("i", 7)
	d := NewValue("d", 1.5)
	c := NewRawValue("c", "x")
	waitHelpers(t, startHelper(t, "value-write", nil, i, d, c))
	if i.Load() != -42 || d.LoadFloat() != math.Pi || c.Load() != 'y' {
		t.Errorf("after the child wrote: i=%v d=%v c=%v, want -42, pi, 'y'", i, d, c)
	}
}

func TestValueTypecodes(t *testing.T) {
	for _, tc := range []struct {
		code     string
		min, max int
	}{
		{"c", 0, 255}, {"b", -128, 127}, {"B", 0, 255}, {"h", -32768, 32767}, {"H", 0, 65535},
		{"i", math.MinInt32, math.MaxInt32}, {"I", 0, math.MaxUint32},
		{"l", math.MinInt64, math.MaxInt64}, {"q", math.MinInt64, math.MaxInt64},
		{"L", 0, math.MaxInt64}, {"Q", 0, math.MaxInt64},
	} {
		t.Run(tc.code, func(t *testing.T) {
			v := NewValue(tc.code, tc.max)
			if v.Load() != tc.max {
				t.Errorf("Load = %d, want %d", v.Load(), tc.max)
			}
			v.Store(tc.min)
			if v.Load() != tc.min {
				t.Errorf("Load = %d, want %d", v.Load(), tc.min)
			}
			if got := v.Add(1); got != tc.min+1 || v.Load() != tc.min+1 {
				t.Errorf("Add(1) = %d, Load = %d, want %d", got, v.Load(), tc.min+1)
			}
			if !v.CompareAndSwap(tc.min+1, tc.min) || v.CompareAndSwap(tc.min+1, 0) {
				t.Error("CompareAndSwap wrong")
			}
			if v.Typecode() != tc.code {
				t.Errorf("Typecode = %q", v.Typecode())
			}
			if tc.max < math.MaxInt64 {
				mustPanic(t, "does not fit", func() { v.Store(tc.max + 1) })
			}
			if tc.min > math.MinInt64 {
				mustPanic(t, "does not fit", func() { v.Store(tc.min - 1) })
			}
			mustPanic(t, "use Add", func() { v.AddFloat(1) })
		})
	}
	for _, code := range []string{"f", "d"} {
		t.Run(code, func(t *testing.T) {
			v := NewValue(code, 2)
			if v.LoadFloat() != 2 {
				t.Errorf("LoadFloat = %v, want 2", v.LoadFloat())
			}
			v.StoreFloat(0.5)
			if got := v.AddFloat(0.25); got != 0.75 {
				t.Errorf("AddFloat = %v, want 0.75", got)
			}
			if v.String() != "0.75" {
				t.Errorf("String = %q", v.String())
			}
			mustPanic(t, "use LoadFloat", func() { v.Load() })
			mustPanic(t, "use AddFloat", func() { v.Add(1) })
		})
	}
}

func TestValueBadUse(t *testing.T) {
	mustPanic(t, `unknown typecode "x": use one of "B" (unsigned char)`, func() { NewValue("x", 0) })
	mustPanic(t, "300 does not fit Value(\"b\")", func() { NewValue("b", 300) })
	mustPanic(t, "-1 does not fit Value(\"I\"), whose C unsigned int holds 0..4294967295", func() { NewValue("I", -1) })
	mustPanic(t, "1.5 does not fit", func() { NewValue("i", 1.5) })
	mustPanic(t, "strings are only for typecode", func() { NewValue("i", "1") })
	mustPanic(t, "use a number", func() { NewValue("i", []int{1}) })
	mustPanic(t, "has no lock", func() { NewRawValue("i", 0).GetLock() })
	mustPanic(t, "not made by mp.NewValue", func() { var v Value; v.Load() })
	mustPanic(t, "use Store with a whole number", func() { NewValue("i", 0).StoreFloat(0.5) })
}

func TestValueAddWraps(t *testing.T) {
	v := NewValue("b", 127)
	if got := v.Add(1); got != -128 {
		t.Errorf("127 + 1 in a signed char = %d, want -128 (wraps as in C)", got)
	}
	u := NewValue("H", 0)
	if got := u.Add(-1); got != 65535 {
		t.Errorf("0 - 1 in an unsigned short = %d, want 65535", got)
	}
}

// mustPanic checks that f panics with an "mp: " error containing want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		err, _ := r.(error)
		if err == nil || !strings.HasPrefix(err.Error(), "mp: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("panic %v, want an mp error containing %q", r, want)
		}
	}()
	f()
}
