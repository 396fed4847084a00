package lower

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Deferred calls. Go evaluates the function value, the receiver and the
// arguments of a deferred call at the defer statement. yaegi v0.16.1 keeps
// the variables themselves (and the temporaries holding computed
// arguments, which the next iteration of a loop overwrites) and reads them
// when the deferred call runs:
//
//	x := 1; defer fmt.Println(x); x = 2             // printed 2, Go prints 1
//	for i := 0; i < 3; i++ { defer fmt.Println(i) } // printed 3 3 3, Go prints 2 1 0
//
// A value the interpreter reads through a pointer of its own is one that
// nothing else changes, so each argument is written *__lower_new[T](arg),
// on its line. The function stays the one the defer calls when it is a
// function of the program, a function literal or a builtin (recover works
// only when called by the deferred function itself). A method call binds
// its receiver now, as the function value of the defer, unless the method
// calls recover itself: (*__lower_new[F]((bind)(x)))(...) for methods of
// the program (see methodvalue.go), (*__lower_new[*T](x)).M(...) for
// methods of compiled types, whose receiver yaegi reads from its variable;
// interface methods are bound at once. Any other function value (a
// variable, a field, a call's result) is evaluated now the same way.

// deferStmt lowers one defer statement.
func (r *rewriter) deferStmt(d *ast.DeferStmt) {
	c := d.Call
	if c == nil || len(r.a.info.Types) == 0 {
		return
	}
	if c.Ellipsis.IsValid() {
		r.deferSpread(c)
		return
	}
	for _, arg := range c.Args {
		r.freshArg(arg)
	}
	fun := ast.Unparen(c.Fun)
	switch f := fun.(type) {
	case *ast.FuncLit:
		// yaegi does not copy the loop's variables for a literal deferred
		// where it stands (for i := range 3 { defer func() { print(i) }() }
		// printed 2 2 2); evaluated as a value, it does. Not when the
		// literal calls recover, which works only in the deferred function
		// yaegi made where it stands.
		if r.inLoop(f) && !r.bodyCallsRecover(f.Body) && !r.multiLine(f.Type.Pos(), f.Type.End()) {
			r.freshLit(f)
		}
		return
	case *ast.Ident:
		switch r.a.info.Uses[f].(type) {
		case *types.Func, *types.Builtin, nil:
			return
		}
	case *ast.IndexExpr, *ast.IndexListExpr:
		if id, ok := indexBase(f).(*ast.Ident); ok {
			if _, ok := r.a.info.Uses[id].(*types.Func); ok {
				return // F[T](...)
			}
		}
		if s, ok := indexBase(f).(*ast.SelectorExpr); ok {
			if _, ok := r.a.info.Uses[s.Sel].(*types.Func); ok {
				return // pkg.F[T](...), or a method of a generic type
			}
		}
	case *ast.SelectorExpr:
		if _, ok := r.a.info.Uses[f.Sel].(*types.Func); ok {
			sel := r.a.info.Selections[f]
			if sel == nil || sel.Kind() == types.MethodExpr {
				return // pkg.F(...) or T.M(x, ...)
			}
			if sel.Kind() == types.MethodVal {
				r.deferMethod(f, sel)
				return
			}
		}
	}
	r.freshFunc(fun)
}

// deferSpread lowers defer f(a, s...) for a function f of a package: yaegi
// v0.16.1 passes s to a deferred call as one argument, not as the
// variadic arguments, so the call goes into a function literal whose
// parameters take the arguments at the defer statement:
//
//	defer func(__lower_p0 A, __lower_p1 []E) { f(__lower_p0, __lower_p1...) }(a, s)
func (r *rewriter) deferSpread(c *ast.CallExpr) {
	var f *ast.Ident
	switch fun := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		f = fun
	case *ast.SelectorExpr:
		if r.a.info.Selections[fun] == nil {
			f = fun.Sel // pkg.F
		}
	}
	if f == nil {
		return
	}
	fn, ok := r.a.info.Uses[f].(*types.Func)
	if !ok || fn.Type().(*types.Signature).Recv() != nil {
		return
	}
	var params, names []string
	for i, arg := range c.Args {
		tv, ok := r.a.info.Types[arg]
		if !ok || tv.Type == nil {
			return
		}
		ts, ok := r.typeString(types.Default(tv.Type))
		if !ok || tv.IsNil() {
			return
		}
		name := fmt.Sprintf("__lower_p%d", i)
		params = append(params, name+" "+ts)
		names = append(names, name)
	}
	if len(names) == 0 || r.multiLine(c.Fun.Pos(), c.Lparen) {
		return
	}
	r.edits = append(r.edits, edit{r.off(c.Fun.Pos()), r.off(c.Fun.Pos()), "func(" + strings.Join(params, ", ") + ") { "})
	r.replace(c.Lparen, c.Lparen+1, "("+strings.Join(names, ", ")+"...) }(")
	r.replace(c.Ellipsis, c.Ellipsis+3, "")
	for _, arg := range c.Args {
		r.freshArg(arg)
	}
}

// indexBase returns the operand of an index expression.
func indexBase(e ast.Expr) ast.Expr {
	switch e := e.(type) {
	case *ast.IndexExpr:
		return e.X
	case *ast.IndexListExpr:
		return e.X
	}
	return nil
}

// freshArg evaluates a deferred call's argument into memory of its own.
func (r *rewriter) freshArg(arg ast.Expr) {
	tv, ok := r.a.info.Types[arg]
	if !ok || tv.Type == nil || tv.Value != nil || tv.IsNil() || tv.IsType() || tv.IsBuiltin() {
		return
	}
	if _, ok := ast.Unparen(arg).(*ast.FuncLit); ok {
		return // a new closure each time
	}
	if _, ok := tv.Type.(*types.Tuple); ok {
		return // f(g()) with several results
	}
	r.fresh(arg, types.Default(tv.Type))
}

// fresh wraps e, of type t, in *__lower_new[T](e).
func (r *rewriter) fresh(e ast.Expr, t types.Type) bool {
	name := "__lower_new"
	if !hasTypeParam(t) {
		ts, ok := r.typeString(t)
		if !ok {
			return false
		}
		name += "[" + ts + "]"
	}
	r.used["__lower_new"] = true
	r.edits = append(r.edits, edit{r.off(e.Pos()), r.off(e.Pos()), "(*" + name + "("}, edit{r.off(e.End()), r.off(e.End()), "))"})
	return true
}

// freshFunc evaluates the function value of a deferred call now.
func (r *rewriter) freshFunc(fun ast.Expr) {
	tv, ok := r.a.info.Types[fun]
	if !ok || tv.Type == nil {
		return
	}
	if _, ok := tv.Type.Underlying().(*types.Signature); !ok {
		return
	}
	r.fresh(fun, tv.Type)
}

// freshLit evaluates a deferred function literal now, made in a frame of
// its own (see funclit.go: a closure made in the frame of a function with
// defer statements deadlocks when the deferred call runs it):
//
//	defer (*__lower_new[func()]((func() func() { return func() {...} })()))()
func (r *rewriter) freshLit(fl *ast.FuncLit) {
	ts := r.text(fl.Type)
	r.used["__lower_new"] = true
	r.edits = append(r.edits, edit{r.off(fl.Pos()), r.off(fl.Pos()), "(*__lower_new[" + ts + "]((func() " + ts + " { return "},
		edit{r.off(fl.End()), r.off(fl.End()), " })()))"})
}

// goStmt binds the receiver of a method a go statement calls: yaegi
// evaluates the function and arguments of a go statement in the calling
// goroutine, as Go does, but reads a method's receiver in the new one.
// (The session turns go statements into calls with the function as a
// value, which methodValue handles; a pasted program's main keeps them.)
func (r *rewriter) goStmt(g *ast.GoStmt) {
	if g.Call == nil {
		return
	}
	if s, ok := ast.Unparen(g.Call.Fun).(*ast.SelectorExpr); ok {
		if sel := r.a.info.Selections[s]; sel != nil && sel.Kind() == types.MethodVal {
			r.bindCall(s, sel, false)
		}
	}
}

// deferMethod binds the receiver of a deferred method call now.
func (r *rewriter) deferMethod(s *ast.SelectorExpr, sel *types.Selection) {
	r.bindCall(s, sel, true)
}

// bindCall binds the receiver of a method call x.M(...) where it stands,
// unless the method calls recover and keepRecover is set.
func (r *rewriter) bindCall(s *ast.SelectorExpr, sel *types.Selection, keepRecover bool) {
	if types.IsInterface(sel.Recv()) {
		return // bound by the interpreter at once
	}
	fn := sel.Obj().(*types.Func)
	if fn.Pkg() != r.a.pkg {
		// A method of a compiled type: yaegi binds it to the receiver's
		// variable, so give it a copy of its own.
		rt, pre, suf := r.boundReceiver(s.X, sel)
		if pre == "&(" {
			return // bound to the variable, whose address does not change
		}
		name := "__lower_new"
		if !hasTypeParam(rt) {
			ts, ok := r.typeString(rt)
			if !ok {
				return
			}
			name += "[" + ts + "]"
		}
		r.used["__lower_new"] = true
		r.edits = append(r.edits, edit{r.off(s.X.Pos()), r.off(s.X.Pos()), "(*" + name + "(" + pre}, edit{r.off(s.X.End()), r.off(s.X.End()), suf + "))"})
		return
	}
	if keepRecover && r.callsRecover(fn) {
		return // recover needs the method to be the deferred function
	}
	rt, pre, suf := r.boundReceiver(s.X, sel)
	lit, ft, ok := r.bindMethod(sel, rt)
	if !ok || r.multiLine(s.X.End(), s.End()) {
		return
	}
	name := "__lower_new"
	if !hasTypeParam(sel.Type()) {
		name += "[" + ft + "]"
	}
	r.used["__lower_new"] = true
	r.edits = append(r.edits, edit{r.off(s.Pos()), r.off(s.Pos()), "(*" + name + "((" + lit + ")(" + pre})
	r.replace(s.X.End(), s.End(), suf+")))")
}

// callsRecover reports whether the declaration of fn, in the cell or its
// context, calls recover itself.
func (r *rewriter) callsRecover(fn *types.Func) bool {
	for _, f := range r.a.files {
		if fn.Pos() < f.Pos() || fn.Pos() > f.End() {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Name.Pos() != fn.Pos() || fd.Body == nil {
				continue
			}
			return r.bodyCallsRecover(fd.Body)
		}
	}
	return false
}

// multiLine reports whether the cell has a line break between from and to.
func (r *rewriter) multiLine(from, to token.Pos) bool {
	for _, b := range r.src[r.off(from):r.off(to)] {
		if b == '\n' {
			return true
		}
	}
	return false
}

// bodyCallsRecover reports whether body calls recover itself (not in a
// function literal of its own).
func (r *rewriter) bodyCallsRecover(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
				if b, ok := r.a.info.Uses[id].(*types.Builtin); ok && b.Name() == "recover" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}
