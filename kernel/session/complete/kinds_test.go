package complete

import (
	"strings"
	"testing"
)

// TestCompleteMatches checks what each kind of match is said to be, and
// its signature, as JupyterLab shows them beside the completions.
func TestCompleteMatches(t *testing.T) {
	const notebook = `package main

import "strings"

// P is a point.
type P struct {
	X int
	tag string
}

func (p P) Norm() int { return p.X }

func twice(x int) int { return 2 * x }

var gopherCount int = 3

const limit = 10
`
	for _, tc := range []struct {
		code string
		want []Match // of the matches, those named here
	}{
		{"strings.Has", []Match{
			{"HasPrefix", TypeFunction, "func HasPrefix(s, prefix string) bool"},
			{"HasSuffix", TypeFunction, "func HasSuffix(s, suffix string) bool"}}},
		{"strings.Buil", []Match{{"Builder", TypeClass, "type Builder struct"}}},
		{"math.P", []Match{{"Pi", TypeInstance, "const Pi = 3.14159265358979323846264338327950288419716939937510582097494459"}}},
		{"os.Std", []Match{{"Stdin", TypeInstance, "var Stdin = NewFile(uintptr(syscall.Stdin), \"/dev/stdin\")"}}},
		{"var sb strings.Builder\nsb.WriteS", []Match{{"WriteString", TypeFunction, "func (b *Builder) WriteString(s string) (int, error)"}}},
		{"var q P\nq.", []Match{{"Norm", TypeFunction, "func (p P) Norm() int"}, {"X", TypeProperty, "int"}}},
		{"twi", []Match{{"twice", TypeFunction, "func twice(x int) int"}}},
		{"gopherCou", []Match{{"gopherCount", TypeInstance, "int"}}},
		{"lim", []Match{{"limit", TypeInstance, "int"}}},
		{"name := \"x\"\nnam", []Match{{"name", TypeInstance, "string"}}},
		{"str", []Match{{"string", TypeClass, "type string string"}, {"strings", TypeModule, `import "strings"`}, {"struct", TypeKeyword, ""}}},
		{"le", []Match{{"len", TypeFunction, "func len(v Type) int"}}},
		{"fo", []Match{{"for", TypeKeyword, ""}}},
		{"ni", []Match{{"nil", TypeInstance, "var nil Type"}}},
		{"import \"net/ht", []Match{{"net/http", TypeModule, "package http"}}},
	} {
		ms, _, _ := CompleteMatches(tc.code, len([]rune(tc.code)), notebook)
		got := map[string]Match{}
		for _, m := range ms {
			got[m.Text] = m
		}
		for _, w := range tc.want {
			if g, ok := got[w.Text]; !ok || g != w {
				t.Errorf("%q: match %q = %+v, want %+v (all: %+v)", tc.code, w.Text, g, w, ms)
			}
		}
		texts, _, _ := Complete(tc.code, len([]rune(tc.code)), notebook)
		if strings.Join(texts, " ") != strings.Join(func() []string {
			var s []string
			for _, m := range ms {
				s = append(s, m.Text)
			}
			return s
		}(), " ") {
			t.Errorf("%q: Complete and CompleteMatches differ", tc.code)
		}
	}
}
