package lower

import (
	"go/ast"
	"go/token"
)

// Three-clause loops whose body assigns a captured loop variable. Go 1.22
// gives each iteration its own variable and starts the next one from its
// value at the end of the iteration, before the post statement:
//
//	for i := 0; i < 5; i++ { fs = append(fs, func() { print(i) }); i++ }
//
// makes closures that print 1 and 3 (each sees its iteration's i after the
// body's i++). The body works on a copy (__lower_i := i, as for other
// captured loop variables) that is copied back to the loop's variable at
// the end of the body and before each continue of the loop:
//
//	for i := 0; i < 5; i++ { __lower_i := i; ...; __lower_i++; i = __lower_i }

// canCopyBack reports whether the body of loop can be given copy-backs:
// it has no goto (which could jump past them).
func (r *rewriter) canCopyBack(loop *ast.ForStmt) bool {
	ok := true
	ast.Inspect(loop.Body, func(n ast.Node) bool {
		if b, isBranch := n.(*ast.BranchStmt); isBranch && b.Tok == token.GOTO {
			ok = false
		}
		return ok
	})
	return ok
}

// copyBack copies the body's copy of the loop variable v back before each
// continue of loop and at the end of its body.
func (r *rewriter) copyBack(loop *ast.ForStmt, v, copyName string) {
	back := v + " = " + copyName
	label := ""
	if ls := r.labels[loop]; ls != nil {
		label = ls.Label.Name
	}
	// inLoops counts the loops between a continue and loop; literals are
	// other functions.
	var walk func(n ast.Node, inLoops int)
	walk = func(n ast.Node, inLoops int) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt:
				walk(n.Body, inLoops+1)
				return false
			case *ast.RangeStmt:
				walk(n.Body, inLoops+1)
				return false
			case *ast.BranchStmt:
				if n.Tok != token.CONTINUE {
					return true
				}
				ours := n.Label == nil && inLoops == 0 || n.Label != nil && n.Label.Name == label
				if ours {
					r.edits = append(r.edits, edit{r.off(n.Pos()), r.off(n.Pos()), "{ " + back + "; "}, edit{r.off(n.End()), r.off(n.End()), " }"})
				}
			}
			return true
		})
	}
	walk(loop.Body, 0)
	at := r.off(loop.Body.Rbrace)
	r.edits = append(r.edits, edit{at, at, "; " + back + " "})
}
