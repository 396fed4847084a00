package fmtshim

import (
	"errors"
	"reflect"
	"runtime"
	"testing"
)

func TestRecovered(t *testing.T) {
	boom := errors.New("boom")
	var nilErr error
	var valueErr *reflect.ValueError
	func() {
		defer func() { valueErr, _ = recover().(*reflect.ValueError) }()
		reflect.Value{}.Interface()
	}()
	if valueErr == nil {
		t.Fatal("reflect did not panic with a *reflect.ValueError")
	}
	for _, tc := range []struct {
		name    string
		in      any
		want    any
		runtime string // the runtime error's text, when want is one
	}{
		{"an interpreted panic's argument", reflect.ValueOf(boom), boom, ""},
		{"a string given to panic", reflect.ValueOf("reflect: slice index out of range"), "reflect: slice index out of range", ""},
		{"a nil interface", reflect.ValueOf(&nilErr).Elem(), nil, ""},
		{"a compiled panic's value", 42, 42, ""},
		{"reflect's index panic", "reflect: slice index out of range", nil, "runtime error: index out of range"},
		{"reflect's slice panic", "reflect: slice bounds out of range", nil, "runtime error: slice bounds out of range"},
		{"a nil pointer", valueErr, nil, "runtime error: invalid memory address or nil pointer dereference"},
		{"another string", "oops", "oops", ""},
	} {
		got := Recovered(tc.in)
		if tc.runtime != "" {
			re, ok := got.(runtime.Error)
			if !ok || re.Error() != tc.runtime {
				t.Errorf("%s: Recovered(%v) = %#v, want the runtime error %q", tc.name, tc.in, got, tc.runtime)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%s: Recovered(%v) = %#v, want %#v", tc.name, tc.in, got, tc.want)
		}
	}
}
