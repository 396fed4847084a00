package session

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
	"github.com/traefik/yaegi/interp"
)

// TestSource checks that Source is a valid program holding the latest
// declarations and no statements, by running it in a fresh interpreter as
// the worker process does. Variables are declared with their types and no
// initialiser: a child gets their values from its parent.
func TestSource(t *testing.T) {
	s := newTestSession(t)
	for _, code := range []string{
		"import str \"strings\"\ntype P struct{ X, Y int }\nfunc (p P) Sum() int { return p.X + p.Y }",
		"func add(a, b int) int { return a + b }\nfmt.Println(\"statements are not in Source\")",
		"func add(a, b, c int) int { return a + b + c }",
		"const k = 3\nvar counter = 10\nnames := []string{\"a\"}\np := P{1, 2}\nq := &P{3, 4}\nd := 2 * time.Second\nn := add(1, 2, 3)",
		"type P struct{ X, Y, Z int }",
		"func shout(s string) string { return str.ToUpper(s) }",
	} {
		mustRun(t, s, code)
	}
	src := s.Source()
	if _, err := parser.ParseFile(token.NewFileSet(), "source.go", src, 0); err != nil {
		t.Fatalf("Source does not parse: %v\n%s", err, src)
	}
	for _, bad := range []string{"Println(\"statements", "a + b }\n", "= 10", "= add(", "[]string{"} {
		if strings.Contains(src, bad) {
			t.Errorf("Source holds %q:\n%s", bad, src)
		}
	}
	for _, want := range []string{"func add(a, b, c int)", "Z int", "var names []string", "var p P", "var q *P", "var d time.Duration", "var n int", "var counter int", "str \"strings\""} {
		if !strings.Contains(src, want) {
			t.Errorf("Source lacks %q:\n%s", want, src)
		}
	}

	in := interp.New(interp.Options{})
	if err := in.Use(stdlib.Symbols()); err != nil {
		t.Fatal(err)
	}
	// As the worker does: yaegi cannot take //line directives.
	var kept []string
	for _, l := range strings.Split(src, "\n") {
		if !strings.HasPrefix(l, "//line ") {
			kept = append(kept, l)
		}
	}
	if !strings.Contains(src, "//line cell[") {
		t.Errorf("Source has no //line directives:\n%s", src)
	}
	if _, err := in.Eval(strings.Join(kept, "\n")); err != nil {
		t.Fatalf("Source does not run: %v\n%s", err, src)
	}
	v, err := in.Eval("add(1, 2, 3) + P{1, 2, 3}.Sum() + k + counter")
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Interface(); got != 12 {
		t.Errorf("got %v, want 12 (counter is not initialised)", got)
	}
	if v, err := in.Eval(`shout("x")`); err != nil || v.Interface() != "X" {
		t.Errorf("shout: %v, %v", v, err)
	}
}

func TestCompleteAndInspectSeeNotebook(t *testing.T) {
	s := newTestSession(t)
	mustRun(t, s, "func greetEveryone() string { return \"hi\" }")
	matches, start, end := s.Complete("greetEv", 7)
	if len(matches) == 0 || matches[0] != "greetEveryone" || start != 0 || end != 7 {
		t.Errorf("Complete = %v, %d, %d", matches, start, end)
	}
	if data, found := s.Inspect("greetEveryone()", 5, 0); !found || !strings.Contains(data["text/plain"].(string), "func greetEveryone() string") {
		t.Errorf("Inspect = %v, %v", data, found)
	}
}
