package session

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/gopherlab/gopherlab/kernel/worker"
)

// inspectText returns what Shift-Tab shows for the name ending at the end
// of code, or "" when nothing is found.
func inspectText(t *testing.T, s *Session, code string) string {
	t.Helper()
	data, found := s.Inspect(code, len([]rune(code)), 0)
	if !found {
		return ""
	}
	text, _ := data["text/plain"].(string)
	return text
}

// TestInspectDocComment checks that Shift-Tab on a name declared in an
// earlier cell shows its declaration and doc comment, as go doc prints
// them, in the latest version of the cell.
func TestInspectDocComment(t *testing.T) {
	s := newTestSession(t)
	mustRun(t, s, "// Add adds two numbers.\n// It is the lesson's example.\nfunc Add(a, b int) int { return a + b }")
	want := "func Add(a, b int) int\n    Add adds two numbers. It is the lesson's example.\n"
	if got := inspectText(t, s, "Add"); got != want {
		t.Errorf("Inspect(Add) = %q, want %q", got, want)
	}

	// The cell edited and run again: the new comment replaces the old.
	mustRun(t, s, "// Add returns a+b.\nfunc Add(a, b int) int { return b + a }")
	if got, want := inspectText(t, s, "Add"), "func Add(a, b int) int\n    Add returns a+b.\n"; got != want {
		t.Errorf("after the edit, Inspect(Add) = %q, want %q", got, want)
	}

	// The comment removed: the declaration alone.
	mustRun(t, s, "func Add(a, b int) int { return a + b }")
	if got, want := inspectText(t, s, "Add"), "func Add(a, b int) int\n"; got != want {
		t.Errorf("without the comment, Inspect(Add) = %q, want %q", got, want)
	}
	if res, _ := mustRun(t, s, "Add(2, 3)"); res.Data["text/plain"] != "5" {
		t.Errorf("Add(2, 3) = %v, want 5", res.Data["text/plain"])
	}
}

func TestInspectDocCommentKinds(t *testing.T) {
	s := newTestSession(t)
	mustRun(t, s, `// Point is a point in the plane.
type Point struct{ X, Y int }

// Norm returns the Manhattan norm of p.
func (p Point) Norm() int { return p.X + p.Y }

// Limit is the largest norm shown.
const Limit = 10

// origin is where the walk starts.
var origin = Point{}

// Sizes of things.
const (
	// Small is a small size.
	Small = 1
	Large = 100
)

x := 1 // a comment after code documents nothing
func undocumented() {}

// A comment above a statement documents nothing either.
y := 2

func alsoUndocumented() {}
p := Point{1, 2}`)
	tests := []struct {
		code string
		want string // "" for a declaration without comment
	}{
		{"Point", "type Point struct{ X, Y int }\n    Point is a point in the plane.\n"},
		{"Point.Norm", "func (p Point) Norm() int\n    Norm returns the Manhattan norm of p.\n"},
		{"p.Norm", "func (p Point) Norm() int\n    Norm returns the Manhattan norm of p.\n"},
		{"Limit", "const Limit = 10\n    Limit is the largest norm shown.\n"},
		{"origin", "var origin Point\n    origin is where the walk starts.\n"},
		{"Small", "const Small = 1\n    Small is a small size.\n"},
		{"Large", "const Large = 100\n    Sizes of things.\n"},
		{"undocumented", "func undocumented()\n"},
		{"alsoUndocumented", "func alsoUndocumented()\n"},
	}
	for _, tt := range tests {
		if got := inspectText(t, s, tt.code); got != tt.want {
			t.Errorf("Inspect(%s) = %q, want %q", tt.code, got, tt.want)
		}
	}

	// Redefining the method's comment only changes the method.
	mustRun(t, s, "// Norm returns the sum of the coordinates.\nfunc (p Point) Norm() int { return p.X + p.Y }")
	if got, want := inspectText(t, s, "Point.Norm"), "func (p Point) Norm() int\n    Norm returns the sum of the coordinates.\n"; got != want {
		t.Errorf("after the edit, Inspect(Point.Norm) = %q, want %q", got, want)
	}
	if got := inspectText(t, s, "Point"); !strings.Contains(got, "Point is a point in the plane.") {
		t.Errorf("after the method's edit, Inspect(Point) = %q", got)
	}

	src := s.Source()
	if _, err := parser.ParseFile(token.NewFileSet(), "source.go", src, parser.ParseComments); err != nil {
		t.Fatalf("Source does not parse: %v\n%s", err, src)
	}
	for _, bad := range []string{"documents nothing", "Manhattan"} {
		if strings.Contains(src, bad) {
			t.Errorf("Source holds %q:\n%s", bad, src)
		}
	}
}

// TestDocCommentRebuilt checks that rebuilding declarations of earlier
// cells (a method after its type changed, a type after one of its methods
// changed) keeps their comments and their code, and that Source with the
// comments still rebuilds in a worker.
func TestDocCommentRebuilt(t *testing.T) {
	s := newTestSession(t)
	mustRun(t, s, "// Shape is a box.\ntype Shape struct{ W, H int }\n\n// Area returns W times H.\nfunc (s Shape) Area() int { return s.W * s.H }")
	mustRun(t, s, "// Shape is a box with a depth.\ntype Shape struct{ W, H, D int }")
	if got := inspectText(t, s, "Shape"); !strings.Contains(got, "Shape is a box with a depth.") {
		t.Errorf("after the type's edit, Inspect(Shape) = %q", got)
	}
	if got := inspectText(t, s, "Shape.Area"); !strings.Contains(got, "Area returns W times H.") {
		t.Errorf("after the type's edit, Inspect(Shape.Area) = %q", got)
	}
	if res, _ := mustRun(t, s, "Shape{2, 3, 4}.Area()"); res.Data["text/plain"] != "6" {
		t.Errorf("Shape{2, 3, 4}.Area() = %v, want 6", res.Data["text/plain"])
	}

	mustRun(t, s, "/*\nArea returns the area\nof the base.\n*/\nfunc (s Shape) Area() int { return s.W*s.H + 0 }")
	if got := inspectText(t, s, "Shape.Area"); !strings.Contains(got, "Area returns the area of the base.") || strings.Contains(got, "W times H") {
		t.Errorf("after the method's edit, Inspect(Shape.Area) = %q", got)
	}
	if got := inspectText(t, s, "Shape"); !strings.Contains(got, "Shape is a box with a depth.") {
		t.Errorf("after the method's edit, Inspect(Shape) = %q", got)
	}

	mustRun(t, s, "// volume is the volume of s.\nfunc volume(s Shape) int { return s.Area() * s.D }")
	nb, err := worker.Build(s.Source(), symbols.Symbols)
	if err != nil {
		t.Fatalf("worker.Build(Source): %v\n%s", err, s.Source())
	}
	if _, err := nb.Lookup("volume"); err != nil {
		t.Errorf("Lookup(volume) in the rebuilt notebook: %v", err)
	}
}

// TestDocCommentErrorLines checks that a declaration's comment does not
// move the lines that errors in it report.
func TestDocCommentErrorLines(t *testing.T) {
	s := newTestSession(t)
	mustRun(t, s, "type T int\n\n// Double doubles t.\n// It has two lines of comment.\nfunc (t T) Double() T { return t * 2 }")
	_, rec := mustRun(t, s, "type T string")
	if _, stderr := rec.out(); !strings.Contains(stderr, "line 5 of its cell") {
		t.Errorf("the note on Double does not point at line 5 of its cell:\n%s", stderr)
	}
}
