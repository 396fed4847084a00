package astx

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

func TestFuncKey(t *testing.T) {
	src := `package p
func F() {}
func (T) A() {}
func (t *T) B() {}
func (t (*T)) C() {}
func (l List[E]) D() {}
func (m *Map[K, V]) E() {}
`
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"F", "T.A", "T.B", "T.C", "List.D", "Map.E"}
	for i, d := range f.Decls {
		if got := FuncKey(d.(*ast.FuncDecl)); got != want[i] {
			t.Errorf("decl %d: FuncKey = %q, want %q", i, got, want[i])
		}
	}
	if got := RecvName(&ast.ArrayType{Elt: ast.NewIdent("T")}); got != "" {
		t.Errorf("RecvName([]T) = %q, want \"\"", got)
	}
}
