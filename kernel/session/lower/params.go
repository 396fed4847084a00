package lower

import (
	"go/ast"
)

// Unnamed parameters. yaegi v0.16.1 gives a parameter without a name no
// slot in the function's frame, so the arguments of a call land in the
// slots of the function's own variables and temporaries:
//
//	func shout(int) { fmt.Println(strings.ToUpper("x")) }
//	shout(1) // panic: reflect.Set: value of type int is not assignable to type func(...interface {}) (int, error)
//
// A blank name gets its slot, so each unnamed parameter is named "_"
// (func shout(_ int)), on its line.

// hasUnnamedParams reports whether a function with a body has parameters
// without names.
func hasUnnamedParams(ft *ast.FuncType) bool {
	if ft.Params == nil {
		return false
	}
	for _, f := range ft.Params.List {
		if len(f.Names) == 0 {
			return true
		}
	}
	return false
}

// nameParams names the unnamed parameters of a function with a body.
func (r *rewriter) nameParams(ft *ast.FuncType) {
	if !hasUnnamedParams(ft) {
		return
	}
	for _, f := range ft.Params.List {
		if len(f.Names) == 0 {
			at := r.off(f.Type.Pos())
			r.edits = append(r.edits, edit{at, at, "_ "})
		}
	}
}
