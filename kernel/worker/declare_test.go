package worker

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/worker/native"
)

func TestReach(t *testing.T) {
	src := `package main

import "fmt"

type T struct{ n int }

func (t T) Show() { fmt.Println(t.n, viaMethod) }

const size = 3

var (
	a, b     int
	unused   []int
	viaMethod string
	arr      [size]int
	fromInit = a + b // initialisers never run in a child: no reach
	shadowed int
)

func target() { helper(); _ = arr; x := 1; _ = x }

func helper() { a++; fmt.Println(T{}) }

func other() { b++; unused = nil }

func local() { shadowed := 1; _ = shadowed }
`
	g := parseDecls(src)
	for _, tc := range []struct {
		target string
		want   []string
	}{
		{"target", []string{"a", "viaMethod", "arr"}},
		{"other", []string{"b", "unused", "viaMethod"}},
		{"local", []string{"viaMethod", "shadowed"}}, // a superset: the local variable shadows it
		{"fmt.Println", []string{"viaMethod"}},
		// A Pool's workers: what any function reaches, not fromInit, which
		// only the cells use.
		{"", []string{"a", "b", "unused", "viaMethod", "arr", "shadowed"}},
	} {
		got := g.reach(tc.target)
		if !sameSet(got, tc.want) {
			t.Errorf("reach(%q) = %v, want %v", tc.target, got, tc.want)
		}
	}
}

func sameSet(a, b []string) bool {
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	if len(m) != len(b) {
		return false
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// Each step of Lower keeps every line at its number.
func TestLowerKeepsLines(t *testing.T) {
	src := `package main

import (
	"fmt"
	"sync"
)

//line cell[2]:1
var n, err = fmt.Println("x")

//line cell[2]:3
var m = map[string]int{
	"a": 1,
}

var (
	k  int = 4
	mu sync.Mutex
	_  = fmt.Sprint()
)

func init() { panic("init") }

func main() { fmt.Println("main") }

//line cell[3]:1
func spawn(xs ...int) {
	go fmt.Println(xs...)
	go func(a int) { _ = a }(1)
	go println("builtin")
	go main()
}
`
	out, err := Lower(src)
	if err != nil {
		t.Fatal(err)
	}
	out = strings.TrimPrefix(out, loweredMark)
	_, out, _ = strings.Cut(out, helpersEnd)
	if got, want := strings.Count(out, "\n"), strings.Count(src, "\n"); got != want {
		t.Fatalf("%d lines, want %d:\n%s", got, want, out)
	}
	lines := strings.Split(out, "\n")
	for line, want := range map[int]string{
		8:  "//gopherlab:line cell[2]:1",
		9:  "var n int; var err error",
		12: "var m map[string]int",
		17: "k  int",
		19: "_ struct{}",
		22: "func gopherlabInit1_() {",
		24: "func gopherlabMain_() {",
		28: `gopherlabrt_.Go(true, fmt.Println, xs)`,
		29: `gopherlabrt_.Go(false, func(a int) { _ = a }, 1)`,
		30: `go println("builtin")`,
		31: `gopherlabrt_.Go(false, gopherlabMain_)`,
	} {
		if !strings.Contains(lines[line-1], want) {
			t.Errorf("line %d: %q, want it to contain %q", line, lines[line-1], want)
		}
	}
	if strings.Contains(out, `"x"`) || strings.Contains(out, `"a": 1`) {
		t.Errorf("an initialiser is left:\n%s", out)
	}
	m := parseLineMarks(out)
	for line, want := range map[int]string{9: "cell[2]:1", 12: "cell[2]:3", 14: "cell[2]:5", 28: "cell[3]:2", 3: ""} {
		if got := m.where(line); got != want {
			t.Errorf("line %d is at %q, want %q", line, got, want)
		}
	}
}

// A variable declared twice (sources older than issue 13 could hold two
// declarations of err) keeps its last declaration only.
func TestStripRedeclared(t *testing.T) {
	src := "package main\n\nimport \"strconv\"\n\nvar a, err = strconv.Atoi(\"1\")\n\nvar b, err = strconv.ParseBool(\"x\")\n\nvar c, d struct {\n\tx int\n} = f()\n\nvar c int\n"
	got := stripInitialisers(src, nil)
	want := "package main\n\nimport \"strconv\"\n\nvar a int\n\nvar b bool; var err error\n\nvar d struct {\n\tx int\n}\n\nvar c int\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// go f(xs...) spreads xs, as the go statement did.
func TestGoStatementSpread(t *testing.T) {
	out := goStatements("package main\n\nfunc f(xs ...int) { go g(1, xs...) }\n\nfunc g(a int, b ...int) {}\n")
	if !strings.Contains(out, "gopherlabrt_.Go(true, g, 1, xs)") || !strings.HasPrefix(out, `package main; import gopherlabrt_ "gopherlab/worker/rt"`) {
		t.Errorf("got %q", out)
	}
}

func TestTypeNameIn(t *testing.T) {
	p := reflect.StructOf([]reflect.StructField{{Name: "X", Type: reflect.TypeOf(0)}})
	names := map[reflect.Type]string{p: "point"}
	for _, tc := range []struct {
		t    reflect.Type
		want string
	}{
		{p, "point"},
		{reflect.PointerTo(p), "*point"},
		{reflect.SliceOf(reflect.PointerTo(p)), "[]*point"},
		{reflect.ArrayOf(2, p), "[2]point"},
		{reflect.MapOf(reflect.TypeOf(""), p), "map[string]point"},
		{reflect.TypeOf([]int{}), ""},
	} {
		got, ok := native.TypeExpr(tc.t, names)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("TypeExpr(%v) = %q, %v; want %q", tc.t, got, ok, tc.want)
		}
	}
}
