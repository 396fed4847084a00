// Package astx holds the go/ast helpers that several of the kernel's
// packages need alike: the session, its rewriting and completion, and the
// worker all key methods by their receiver's type name.
package astx

import "go/ast"

// RecvName returns the name of the type a method's receiver (or an
// embedded field) names: T for T, *T, (T), T[P] and *T[P, Q]; "" for any
// other expression.
func RecvName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// FuncKey returns the name a function declaration declares in its
// package: F for a function, T.M for a method M of T (or of *T).
func FuncKey(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	if t := RecvName(d.Recv.List[0].Type); t != "" {
		return t + "." + d.Name.Name
	}
	return d.Name.Name
}
