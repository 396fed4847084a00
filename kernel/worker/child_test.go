package worker

import (
	"fmt"
	"go/parser"
	"go/token"
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

var n, err = fmt.Println(panicNow())

func panicNow() string { panic("an initialiser must not run in a child") }

func init() { panic("init must not run in a child") }

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
	if got := call("add", 1, 2); got != 7 {
		t.Errorf("add(1, 2) = %v, want 7 (1+2+k+counter after one increment, counter starting at 0: no initialiser runs)", got)
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

// TestBuildStringer checks that fmt calls the String and Error methods of
// types the notebook declares in a child too, which builds only the
// packages the declarations import.
func TestBuildStringer(t *testing.T) {
	src := `package main

import "fmt"

type temp float64

func (t temp) String() string { return fmt.Sprintf("%.1f°C", float64(t)) }

type tooHot struct{ t temp }

func (e tooHot) Error() string { return "too hot: " + e.t.String() }

func check(t temp) error {
	if t > 80 {
		return tooHot{t}
	}
	return nil
}

func show() string { return fmt.Sprint(temp(21.5), "; ", check(90)) }
`
	nb, err := Build(src)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := nb.Lookup("show")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fn.Call(nil)[0].String(), "21.5°C; too hot: 90.0°C"; got != want {
		t.Errorf("show() = %q, want %q", got, want)
	}
}

// TestDropUnusedImports checks that Lower's last step blanks out imports of
// the packages yaegi builds from generic source when nothing uses them any
// more, keeping every other byte in place (positions in the child's
// messages stay those of the source), and keeps those still used.
func TestDropUnusedImports(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		dropped   []string // import paths that must be gone
		kept      []string
	}{
		{"grouped", "package main\n\nimport (\n\t\"fmt\"\n\t\"slices\"\n)\n\nfunc f() { fmt.Println(1) }\n",
			[]string{`"slices"`}, []string{`"fmt"`}},
		{"alone", "package main\n\nimport \"maps\"\n\nfunc f() {}\n", []string{`"maps"`}, nil},
		{"used", "package main\n\nimport \"slices\"\n\nfunc f(x []int) { slices.Sort(x) }\n", nil, []string{`"slices"`}},
		{"renamed", "package main\n\nimport (\n\ts \"slices\"\n\tc \"cmp\"\n)\n\nfunc f(x []int) { s.Sort(x) }\n",
			[]string{`"cmp"`}, []string{`s "slices"`}},
		{"dot", "package main\n\nimport . \"iter\"\n\nfunc f() {}\n", nil, []string{`. "iter"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := dropUnusedImports(tc.src)
			if len(got) != len(tc.src) || strings.Count(got, "\n") != strings.Count(tc.src, "\n") {
				t.Errorf("bytes moved:\n%s", got)
			}
			for _, d := range tc.dropped {
				if strings.Contains(got, d) {
					t.Errorf("%s still imported:\n%s", d, got)
				}
			}
			for _, k := range tc.kept {
				if !strings.Contains(got, k) {
					t.Errorf("%s dropped:\n%s", k, got)
				}
			}
			if _, err := parser.ParseFile(token.NewFileSet(), "", got, 0); err != nil {
				t.Errorf("result does not parse: %v\n%s", err, got)
			}
		})
	}
}

// TestBuildGeneric rebuilds declarations that use generic names of the
// standard library: slices.Sort and sync.OnceValue, which lowering
// replaces (the import of slices is dropped, and the child loads only the
// packages it needs), and iter.Seq, which needs yaegi's generic sources.
func TestBuildGeneric(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"slices", `package main

import (
	"fmt"
	"slices"
)

func sorted() string { x := []int{3, 1, 2}; slices.Sort(x); return fmt.Sprint(x) }
`, "[1 2 3]"},
		{"iter", `package main

import (
	"fmt"
	"iter"
	"slices"
)

func count(n int) iter.Seq[int] { return func(yield func(int) bool) { for i := range n { if !yield(i) { return } } } }

func sorted() string { return fmt.Sprint(slices.Collect(count(3))) }
`, "[0 1 2]"},
		{"sync.OnceValue", `package main

import (
	"fmt"
	"sync"
)

func sorted() string { f := sync.OnceValue(func() int { return 7 }); return fmt.Sprint(f() + f()) }
`, "14"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			low, err := Lower(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			nb, err := Build(low)
			if err != nil {
				t.Fatalf("%v\n%s", err, low)
			}
			fn, err := nb.Lookup("sorted")
			if err != nil {
				t.Fatal(err)
			}
			if got := fn.Call(nil)[0].String(); got != tc.want {
				t.Errorf("sorted() = %q, want %q", got, tc.want)
			}
		})
	}
}
