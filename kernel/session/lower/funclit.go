package lower

import (
	"go/ast"
	"go/token"
)

// Function literals in loops. yaegi v0.16.1 makes a closure from a
// function literal by copying the variables of the enclosing frame, so that
// each iteration's closure keeps that iteration's variables (Go 1.22), but
// not when the literal is passed straight to compiled code (an argument of
// a standard library function such as sync.WaitGroup.Go, time.AfterFunc or
// sort.Slice): that closure reads the frame as it is when it runs, and a
// goroutine or callback running after the loop moved on sees the last
// iteration's variables:
//
//	for i := range 3 { wg.Go(func() { fmt.Println(i) }) } // 2 2 2
//
// A parenthesized literal is evaluated as a value, which makes the copy. So
// a function literal in a loop body that uses a variable declared in the
// loop (after the loop variable copies, every captured one) is put in
// parentheses, unless it is called where it stands (a deferred literal must
// stay one: recover works only in the function the defer calls).

// Closures in functions with defer statements. A closure that yaegi v0.16.1
// made in a function's frame locks that frame when it returns, and the
// function holds the lock while it runs its deferred calls; so a deferred
// call that calls such a closure, or waits for a goroutine running one,
// never ends:
//
//	cleanup := func() { fmt.Println("bye") }
//	defer cleanup() // all goroutines are asleep - deadlock!
//
// In a function with defer statements, each function literal that is not
// called where it stands is made in a frame of its own, which nothing
// holds: (func() T { return func...{...} })(), on its lines.

// parenFuncLits puts in parentheses the function literals of the cell that
// use variables declared in an enclosing loop of their function, and
// makes those of functions with defer statements in frames of their own.
func (r *rewriter) parenFuncLits() {
	defers := r.funcsWithDefer()
	ast.Inspect(r.a.file, func(n ast.Node) bool {
		fl, ok := n.(*ast.FuncLit)
		if !ok || r.isCalled(fl) {
			return true
		}
		if defers[r.enclosingFunc(fl)] && !r.multiLine(fl.Type.Pos(), fl.Type.End()) {
			r.edits = append(r.edits, edit{r.off(fl.Pos()), r.off(fl.Pos()), "(func() " + r.text(fl.Type) + " { return "},
				edit{r.off(fl.End()), r.off(fl.End()), " })()"})
			return true
		}
		if r.needsParen(fl) {
			r.edits = append(r.edits, edit{r.off(fl.Pos()), r.off(fl.Pos()), "("}, edit{r.off(fl.End()), r.off(fl.End()), ")"})
		}
		return true
	})
}

// isCalled reports whether fl is called where it stands, or already in
// parentheses.
func (r *rewriter) isCalled(fl *ast.FuncLit) bool {
	switch p := r.parents[fl].(type) {
	case *ast.ParenExpr:
		return true
	case *ast.CallExpr:
		return p.Fun == fl
	}
	return false
}

// enclosingFunc returns the function literal or declaration around n.
func (r *rewriter) enclosingFunc(n ast.Node) ast.Node {
	for p := r.parents[n]; p != nil; p = r.parents[p] {
		switch p.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return p
		}
	}
	return nil
}

// funcsWithDefer returns the functions of the cell with a defer statement
// of their own.
func (r *rewriter) funcsWithDefer() map[ast.Node]bool {
	m := make(map[ast.Node]bool)
	ast.Inspect(r.a.file, func(n ast.Node) bool {
		if d, ok := n.(*ast.DeferStmt); ok {
			if f := r.enclosingFunc(d); f != nil {
				m[f] = true
			}
		}
		return true
	})
	return m
}

func (r *rewriter) needsParen(fl *ast.FuncLit) bool {
	// The loops between the literal and its enclosing function.
	var loops []ast.Node
	for n := r.parents[fl]; n != nil; n = r.parents[n] {
		done := false
		switch n := n.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			done = true
		case *ast.ForStmt:
			if within(fl, n.Body) {
				loops = append(loops, n)
			}
		case *ast.RangeStmt:
			if within(fl, n.Body) && !r.funcRanges[n] {
				loops = append(loops, n)
			}
		}
		if done {
			break
		}
	}
	if len(loops) == 0 {
		return false
	}
	found := false
	ast.Inspect(fl.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if found || !ok {
			return !found
		}
		obj := r.a.info.Uses[id]
		if obj == nil || obj.Parent() == nil || obj.Parent() == r.a.pkg.Scope() || posIn(obj.Pos(), fl) {
			return true
		}
		for _, l := range loops {
			if posIn(obj.Pos(), l) {
				found = true
			}
		}
		return !found
	})
	return found
}

// within reports whether n lies inside block.
func within(n ast.Node, block *ast.BlockStmt) bool {
	return block != nil && n.Pos() >= block.Lbrace && n.End() <= block.Rbrace
}

// posIn reports whether p lies in n.
func posIn(p token.Pos, n ast.Node) bool { return p >= n.Pos() && p < n.End() }
