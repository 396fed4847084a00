package lower

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
)

// Method values. Go evaluates the receiver of a method value x.M when the
// expression is evaluated: f := c.Show; c.n = 2; f() shows the old c.
// yaegi v0.16.1 reads the receiver when f is called, also for methods of
// compiled types, so a method value passed on and called later (go
// c.Show(), which the session turns into a call with the method value
// c.Show, in a loop; a callback; a deferred call) uses the receiver as it
// is then. Methods of interfaces are bound at once and stay as written.
//
// A method value is rewritten as a call of a function literal that takes
// the receiver as its parameter, evaluated where the expression stood, and
// returns the bound method:
//
//	c.Show  ->  (func(__lower_r T) func(s string) { return func(__lower_a0 string) { __lower_r.Show(__lower_a0) } })(c)
//
// The receiver is passed as the method wants it: &c for a method with a
// pointer receiver on an addressable c, *p for a method with a value
// receiver on a pointer p.
//
// Method expressions. yaegi v0.16.1 gives a method expression T.M or
// (*T).M the type of the bound method, without the receiver parameter:
// get := Counter.Get panics "reflect.Set: value of type func() int is not
// assignable to type func(struct { Xn int }) int", and a call of (*T).M
// for a method with a value receiver panics too. A method expression is
// rewritten as the function literal it denotes:
//
//	Counter.Get     ->  (func(__lower_r Counter) int { return __lower_r.Get() })
//	(*Counter).Inc  ->  (func(__lower_r *Counter) { __lower_r.Inc() })

// methodValue returns the selection when s is a method value of a
// concrete type (not called where it stands), or nil.
func (r *rewriter) methodValue(s *ast.SelectorExpr) *types.Selection {
	sel := r.a.info.Selections[s]
	if sel == nil || sel.Kind() != types.MethodVal || types.IsInterface(sel.Recv()) {
		return nil
	}
	if r.isFunOfCall(s) {
		return nil
	}
	return sel
}

// methodExpr returns the selection when s is a method expression T.M or
// (*T).M that yaegi gets wrong: one not called where it stands, or one of
// a pointer type (a method with a value receiver called through it fails);
// nil otherwise.
func (r *rewriter) methodExpr(s *ast.SelectorExpr) *types.Selection {
	sel := r.a.info.Selections[s]
	if sel == nil || sel.Kind() != types.MethodExpr {
		return nil
	}
	if _, ptr := sel.Recv().(*types.Pointer); ptr {
		return sel
	}
	if r.isFunOfCall(s) {
		return nil
	}
	return sel
}

// methodExprEdits rewrites the method expression s as a function literal
// (see above); it reports whether it did.
func (r *rewriter) methodExprEdits(s *ast.SelectorExpr, sel *types.Selection) bool {
	sig, ok := sel.Type().(*types.Signature)
	if !ok || sig.Params().Len() == 0 || r.multiLine(s.Pos(), s.End()) {
		return false
	}
	var params, args, results []string
	for i := 0; i < sig.Params().Len(); i++ {
		t := sig.Params().At(i).Type()
		name := fmt.Sprintf("__lower_a%d", i)
		if i == 0 {
			name = "__lower_r"
		}
		dots := ""
		if sig.Variadic() && i == sig.Params().Len()-1 {
			t, dots = t.(*types.Slice).Elem(), "..."
		}
		ts, ok := r.typeString(t)
		if !ok {
			return false
		}
		params = append(params, name+" "+dots+ts)
		if i > 0 {
			args = append(args, name+dots)
		}
	}
	for i := 0; i < sig.Results().Len(); i++ {
		ts, ok := r.typeString(sig.Results().At(i).Type())
		if !ok {
			return false
		}
		results = append(results, ts)
	}
	res := strings.Join(results, ", ")
	if len(results) > 1 {
		res = "(" + res + ")"
	}
	ret := ""
	if len(results) > 0 {
		res, ret = " "+res, "return "
	}
	lit := fmt.Sprintf("(func(%s)%s { %s__lower_r.%s(%s) })", strings.Join(params, ", "), res, ret, sel.Obj().Name(), strings.Join(args, ", "))
	r.replace(s.Pos(), s.End(), lit)
	return true
}

// boundReceiver returns the type of the receiver value that a method value
// or call x.M binds, and x as that value ("&(x)", "*(x)" or "(x)" around
// the expression: prefix and suffix).
func (r *rewriter) boundReceiver(x ast.Expr, sel *types.Selection) (rt types.Type, prefix, suffix string) {
	tv := r.a.info.Types[x]
	xt := tv.Type
	fn, _ := sel.Obj().(*types.Func)
	recvPtr := false
	if fn != nil {
		if rv := fn.Type().(*types.Signature).Recv(); rv != nil {
			_, recvPtr = rv.Type().Underlying().(*types.Pointer)
		}
	}
	_, xPtr := xt.Underlying().(*types.Pointer)
	switch {
	case recvPtr && !xPtr && tv.Addressable():
		return types.NewPointer(xt), "&(", ")"
	case !recvPtr && xPtr:
		return xt.Underlying().(*types.Pointer).Elem(), "*(", ")"
	}
	return xt, "(", ")"
}

// bindMethod writes the function literal that binds the method of sel to
// a receiver of type rt: "func(__lower_r RT) FT { return func(...) ... }",
// the type of the bound method FT, and whether it could be written.
func (r *rewriter) bindMethod(sel *types.Selection, rt types.Type) (lit, ft string, ok bool) {
	sig, isSig := sel.Type().(*types.Signature)
	if !isSig {
		return "", "", false
	}
	rts, ok := r.typeString(rt)
	if !ok {
		return "", "", false
	}
	var params, args, results []string
	for i := 0; i < sig.Params().Len(); i++ {
		t := sig.Params().At(i).Type()
		name := fmt.Sprintf("__lower_a%d", i)
		if sig.Variadic() && i == sig.Params().Len()-1 {
			ts, ok := r.typeString(t.(*types.Slice).Elem())
			if !ok {
				return "", "", false
			}
			params = append(params, name+" ..."+ts)
			args = append(args, name+"...")
			continue
		}
		ts, ok := r.typeString(t)
		if !ok {
			return "", "", false
		}
		params = append(params, name+" "+ts)
		args = append(args, name)
	}
	for i := 0; i < sig.Results().Len(); i++ {
		ts, ok := r.typeString(sig.Results().At(i).Type())
		if !ok {
			return "", "", false
		}
		results = append(results, ts)
	}
	res := strings.Join(results, ", ")
	if len(results) > 1 {
		res = "(" + res + ")"
	}
	fn := "func(" + strings.Join(params, ", ") + ")"
	if res != "" {
		fn += " " + res
	}
	ret := ""
	if len(results) > 0 {
		ret = "return "
	}
	ft, ok = r.typeString(sig)
	if !ok {
		return "", "", false
	}
	lit = fmt.Sprintf("func(__lower_r %s) %s { return %s { %s__lower_r.%s(%s) } }", rts, ft, fn, ret, sel.Obj().Name(), strings.Join(args, ", "))
	return lit, ft, true
}

// methodValueEdits rewrites the method value s (see above); it reports
// whether it did.
func (r *rewriter) methodValueEdits(s *ast.SelectorExpr, sel *types.Selection) bool {
	rt, pre, suf := r.boundReceiver(s.X, sel)
	lit, _, ok := r.bindMethod(sel, rt)
	if !ok || r.multiLine(s.X.End(), s.End()) {
		return false
	}
	r.edits = append(r.edits, edit{r.off(s.Pos()), r.off(s.Pos()), "(" + lit + ")(" + pre})
	r.replace(s.X.End(), s.End(), suf+")")
	return true
}
