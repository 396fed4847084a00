package lower

import (
	"go/ast"
	"go/token"
)

// Receives returned. yaegi v0.16.1 fails on a return statement whose
// result is a receive from a channel: func recv(ch chan int) int { return
// <-ch } panics with "reflect.Value.Set using unaddressable value" (also
// return <-ch, nil). In parentheses the receive is evaluated like any
// other expression, so such results are written (<-ch).

// isReceive reports whether e is a receive expression <-ch.
func isReceive(e ast.Expr) bool {
	u, ok := e.(*ast.UnaryExpr)
	return ok && u.Op == token.ARROW
}

// returnReceives puts the receives among the results of rs in parentheses.
func (r *rewriter) returnReceives(rs *ast.ReturnStmt) {
	for _, e := range rs.Results {
		if isReceive(e) {
			r.edits = append(r.edits, edit{r.off(e.Pos()), r.off(e.Pos()), "("}, edit{r.off(e.End()), r.off(e.End()), ")"})
		}
	}
}
