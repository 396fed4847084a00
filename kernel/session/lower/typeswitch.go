package lower

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Type switches. yaegi v0.16.1 matches a type switch case naming a type of
// the notebook that has methods, or an interface, against nothing when the
// value came through an interface: with err holding a *MyErr,
//
//	switch e := err.(type) { case *MyErr: ...; default: ... }
//
// takes the default branch (so does case error for an any holding one),
// while the assertion err.(*MyErr) succeeds. Such a switch is rewritten to
// a switch without tag whose cases test with those assertions, in function
// literals (a case expression cannot hold one), with the switch's variable
// declared at the top of each clause, on the lines of the switch:
//
//	switch __lower_v := err; {
//	case func() bool { _, ok := __lower_v.(*MyErr); return ok }(): e := __lower_v.(*MyErr); ...
//	default: e := __lower_v; ...
//	}
//
// (The header cannot call a function that computes the case: yaegi
// evaluates a call in the tag of a switch before the switch's init
// statement.)

// typeSwitch lowers ts when yaegi would get it wrong.
func (r *rewriter) typeSwitch(ts *ast.TypeSwitchStmt) {
	var assign *ast.AssignStmt
	var ta *ast.TypeAssertExpr
	switch s := ts.Assign.(type) {
	case *ast.AssignStmt:
		assign = s
		if len(s.Rhs) == 1 {
			ta, _ = s.Rhs[0].(*ast.TypeAssertExpr)
		}
	case *ast.ExprStmt:
		ta, _ = s.X.(*ast.TypeAssertExpr)
	}
	if ta == nil || ta.Type != nil || !r.needsTypeSwitchLowering(ts) {
		return
	}
	if r.multiLine(ta.X.End(), ta.End()) || (ts.Init != nil && r.multiLine(ts.Init.End(), ts.Assign.Pos())) {
		return
	}
	v := fmt.Sprintf("__lower_v%d", r.off(ts.Switch))
	concrete := v // v, for assertions to concrete types of the notebook
	if xt := r.a.info.Types[ta.X].Type; xt != nil {
		concrete = r.concreteOperand(xt, v)
	}
	for _, s := range ts.Body.List {
		for _, e := range s.(*ast.CaseClause).List {
			if r.multiLine(e.Pos(), e.End()) {
				return
			}
		}
	}
	// The header: switch [init;] __lower_v := X; {
	head := fmt.Sprintf("%s := ", v)
	if ts.Init != nil {
		// One init statement only: the original one goes first, in a
		// block that closes after the switch.
		r.replace(ts.Switch, ts.Switch+token.Pos(len("switch")), "{")
		r.replace(ts.Init.End(), ts.Assign.Pos(), "; switch ")
		r.edits = append(r.edits, edit{r.off(ts.End()), r.off(ts.End()), " }"})
	}
	if assign != nil {
		r.replace(assign.Pos(), ta.X.Pos(), head)
	} else {
		r.edits = append(r.edits, edit{r.off(ta.X.Pos()), r.off(ta.X.Pos()), head})
	}
	r.replace(ta.X.End(), ta.End(), ";")
	for _, s := range ts.Body.List {
		cc := s.(*ast.CaseClause)
		for _, e := range cc.List {
			r.replace(e.Pos(), e.End(), r.caseTest(v, concrete, e))
		}
		r.orCaseList(cc.List) // see switch.go
		if assign == nil {
			continue
		}
		val := v
		if len(cc.List) == 1 && !r.isNil(cc.List[0]) {
			val = r.caseValue(v, concrete, cc.List[0])
		}
		at := r.off(cc.Colon) + 1
		r.edits = append(r.edits, edit{at, at, fmt.Sprintf(" %s := %s;", assign.Lhs[0].(*ast.Ident).Name, val)})
	}
}

// needsTypeSwitchLowering reports whether a case of ts names an interface
// or a type of the notebook with methods.
func (r *rewriter) needsTypeSwitchLowering(ts *ast.TypeSwitchStmt) bool {
	for _, s := range ts.Body.List {
		for _, e := range s.(*ast.CaseClause).List {
			tv, ok := r.a.info.Types[e]
			if !ok || tv.Type == nil || !tv.IsType() || hasTypeParam(tv.Type) {
				continue
			}
			t := tv.Type
			if types.IsInterface(t) {
				return true
			}
			if p, ok := t.(*types.Pointer); ok {
				t = p.Elem()
			}
			if n, ok := t.(*types.Named); ok && n.Obj().Pkg() == r.a.pkg && types.NewMethodSet(types.NewPointer(n)).Len() > 0 {
				return true
			}
		}
	}
	return false
}

// isNil reports whether e is the predeclared nil.
func (r *rewriter) isNil(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	if !ok || id.Name != "nil" {
		return false
	}
	switch r.a.info.Uses[id].(type) {
	case *types.Nil, nil:
		return true
	}
	return false
}

// caseTest returns the expression testing whether the value v of a type
// switch has the case type e.
// concrete is v as an assertion to a concrete type of the notebook
// takes it (see concreteOperand).
func (r *rewriter) caseTest(v, concrete string, e ast.Expr) string {
	if r.isNil(e) {
		return v + " == nil"
	}
	t := r.a.info.Types[e].Type
	if iface, ok := t.Underlying().(*types.Interface); ok && iface.Empty() {
		return v + " != nil"
	}
	var b strings.Builder
	b.WriteString("func() bool { ")
	for _, impl := range r.implementations(t) {
		fmt.Fprintf(&b, "if _, ok := %s.(%s); ok { return true }; ", concrete, impl)
	}
	fmt.Fprintf(&b, "_, ok := %s.(%s); return ok }()", r.operandFor(t, v, concrete), r.text(e))
	return b.String()
}

// operandFor returns the operand of an assertion to t: v for an
// interface, concrete for a type of the notebook.
func (r *rewriter) operandFor(t types.Type, v, concrete string) string {
	if types.IsInterface(t) || !r.declaredIn(t, 1) {
		return v
	}
	return concrete
}

// caseValue returns the value of the variable of a type switch in the
// clause of the one case type e.
func (r *rewriter) caseValue(v, concrete string, e ast.Expr) string {
	t := r.a.info.Types[e].Type
	impls := r.implementations(t)
	if len(impls) == 0 {
		return r.operandFor(t, v, concrete) + ".(" + r.text(e) + ")"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "func() %s { ", r.text(e))
	for _, impl := range impls {
		fmt.Fprintf(&b, "if x, ok := %s.(%s); ok { return x }; ", concrete, impl)
	}
	fmt.Fprintf(&b, "x, _ := %s.(%s); return x }()", v, r.text(e))
	return b.String()
}

// implementations returns the types of the notebook, spelled for the
// cell, that implement the interface t (T, or *T when only it does): an
// assertion of a value of such a type to an interface fails in yaegi when
// the value is not a pointer.
func (r *rewriter) implementations(t types.Type) []string {
	iface, ok := t.Underlying().(*types.Interface)
	if !ok || r.a.pkg == nil {
		return nil
	}
	var out []string
	scope := r.a.pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		n, ok := tn.Type().(*types.Named)
		if !ok || n.TypeParams().Len() > 0 || types.IsInterface(n) {
			continue
		}
		for _, c := range []types.Type{n, types.NewPointer(n)} {
			if types.Implements(c, iface) {
				if s, ok := r.typeString(c); ok {
					out = append(out, s)
				}
				break
			}
		}
	}
	return out
}
