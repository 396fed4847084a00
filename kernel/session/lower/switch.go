package lower

import (
	"bytes"
	"go/ast"
)

// Switches without a tag. yaegi v0.16.1 tests only the first expression of
// a case of a switch without tag:
//
//	switch { case x == 1, x == 2: ... } // not taken when x is 2
//
// A case list there is the disjunction of its expressions, evaluated left
// to right until one is true, as Go evaluates the list; so the commas
// become ||, each expression in parentheses, on the lines of the case.

// tagless lowers the case lists of a switch without tag.
func (r *rewriter) tagless(s *ast.SwitchStmt) {
	if s.Tag != nil {
		return
	}
	for _, st := range s.Body.List {
		cc := st.(*ast.CaseClause)
		if len(cc.List) < 2 {
			continue
		}
		for _, e := range cc.List {
			r.edits = append(r.edits, edit{r.off(e.Pos()), r.off(e.Pos()), "("}, edit{r.off(e.End()), r.off(e.End()), ")"})
		}
		r.orCaseList(cc.List)
	}
}

// orCaseList replaces the commas between the expressions of a case list
// with ||.
func (r *rewriter) orCaseList(list []ast.Expr) {
	for i := 0; i+1 < len(list); i++ {
		from, to := r.off(list[i].End()), r.off(list[i+1].Pos())
		if c := bytes.IndexByte(r.src[from:to], ','); c >= 0 {
			r.edits = append(r.edits, edit{from + c, from + c + 1, " ||"})
		}
	}
}
