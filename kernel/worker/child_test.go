package worker

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestBuild(t *testing.T) {
	src := `package main

import (
	"fmt"
	"strings"
)

type P struct{ X, Y int }

const k = 3

var counter = 10

func add(a, b int) int { counter++; return a + b + k + counter }

func shout(s string) string { return strings.ToUpper(s) }

func main() { panic("main must not run in a child") }

func callsMain() { main() }


func show(p P) string { return fmt.Sprint(p) }
`
	nb, err := Build(src)
	if err != nil {
		t.Fatal(err)
	}
	call := func(name string, args ...any) any {
		t.Helper()
		fn, err := nb.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		in := make([]reflect.Value, len(args))
		for i, a := range args {
			in[i] = reflect.ValueOf(a)
		}
		out := fn.Call(in)
		if len(out) == 0 {
			return nil
		}
		return out[0].Interface()
	}
	if got := call("add", 1, 2); got != 17 {
		t.Errorf("add(1, 2) = %v, want 17 (1+2+k+counter after one increment)", got)
	}
	if got := call("shout", "hi"); got != "HI" {
		t.Errorf("shout = %v", got)
	}
	if got := call("strings.Repeat", "ab", 2); got != "abab" {
		t.Errorf("strings.Repeat = %v", got)
	}
	if _, err := nb.Lookup("missing"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Lookup(missing) error = %v", err)
	}
	if _, err := nb.Lookup("counter"); err == nil {
		t.Errorf("Lookup(counter) succeeded on a variable")
	}
	fn, err := nb.Lookup("main")
	if err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "main must not run") {
				t.Errorf("main as a target: recovered %v", r)
			}
		}()
		fn.Call(nil)
	}()
}

// TestBuildImports checks that a child loads the packages the declarations
// import, under their import paths (math/rand/v2 is package rand, an alias
// renames crypto/rand), with the names the session's interpreter has
// beyond yaegi's (lower.Symbols: rand.Uint, crand.Text, added after Go
// 1.22), and only those: a package the declarations do not import is
// unknown in the child, as in a Go file.
func TestBuildImports(t *testing.T) {
	src := `package main

import (
	crand "crypto/rand"
	"math/rand/v2"
	"strings"
)

func draw() int { _ = rand.Uint(); return rand.IntN(10) }

func token() int { return len(crand.Text()) }

func upper(s string) string { return strings.ToUpper(s) }
`
	nb, err := Build(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ok   func(reflect.Value) bool
	}{
		{"draw", func(v reflect.Value) bool { return v.Int() >= 0 && v.Int() < 10 }},
		{"token", func(v reflect.Value) bool { return v.Int() == 26 }},
	} {
		fn, err := nb.Lookup(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if out := fn.Call(nil); !tc.ok(out[0]) {
			t.Errorf("%s() = %v", tc.name, out[0])
		}
	}
	if _, err := nb.Lookup("strings.ToLower"); err != nil {
		t.Errorf("strings.ToLower: %v", err)
	}
	if _, err := nb.Lookup("bytes.ToUpper"); err == nil {
		t.Errorf("bytes.ToUpper found, but the declarations do not import bytes")
	}
}
