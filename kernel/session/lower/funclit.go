package lower

import (
	"go/ast"
)

// Function literals in loops. yaegi v0.16.1 makes a closure from a
// function literal by copying the variables of the enclosing frame, so that
// each iteration's closure keeps that iteration's variables (Go 1.22), but
// not when the literal is passed straight to compiled code (an argument of
// a standard library function such as sync.WaitGroup.Go, time.AfterFunc or
// sync.OnceFunc): that closure reads the frame as it is when it runs, and a
// goroutine or callback running after the loop moved on sees the last
// iteration's variables:
//
//	for i := range 3 { wg.Go(func() { fmt.Println(i) }) } // 2 2 2
//
// A literal evaluated as a value makes the copy. But a closure made in a
// frame writes that frame's slot for the literal back when it returns, and
// a goroutine's closure returning while the loop makes the next one races
// with it (the loop may pass on the wrong closure). So each function
// literal in a loop body that is not called where it stands is made by a
// function literal called at once, in a frame of its own:
//
//	wg.Go((func() func() { return func() { fmt.Println(i) } })())
//
// (in parentheses only when its type is written across lines).

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

// parenFuncLits makes the function literals of loop bodies and of
// functions with defer statements, unless called where they stand, in
// frames of their own.
func (r *rewriter) parenFuncLits() {
	defers := r.funcsWithDefer()
	ast.Inspect(r.a.file, func(n ast.Node) bool {
		fl, ok := n.(*ast.FuncLit)
		if !ok || r.isCalled(fl) {
			return true
		}
		inLoop := r.inLoop(fl)
		if (inLoop || defers[r.enclosingFunc(fl)]) && !r.multiLine(fl.Type.Pos(), fl.Type.End()) {
			r.edits = append(r.edits, edit{r.off(fl.Pos()), r.off(fl.Pos()), "(func() " + r.text(fl.Type) + " { return "},
				edit{r.off(fl.End()), r.off(fl.End()), " })()"})
			return true
		}
		if inLoop {
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

// inLoop reports whether fl is in the body of a loop of its function (not
// of a loop over a function, whose body Rewrite turns into a function).
func (r *rewriter) inLoop(fl *ast.FuncLit) bool {
	for n := r.parents[fl]; n != nil; n = r.parents[n] {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		case *ast.ForStmt:
			if within(fl, n.Body) {
				return true
			}
		case *ast.RangeStmt:
			if within(fl, n.Body) && !r.funcRanges[n] {
				return true
			}
		}
	}
	return false
}

// within reports whether n lies inside block.
func within(n ast.Node, block *ast.BlockStmt) bool {
	return block != nil && n.Pos() >= block.Lbrace && n.End() <= block.Rbrace
}
