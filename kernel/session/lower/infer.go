package lower

import (
	"go/ast"
	"go/types"
)

// Instantiation by type parameters. yaegi v0.16.1 compiles an explicit
// instantiation whose type arguments name a type parameter of the
// enclosing generic function (F[E](s, v) inside func G[E any]) with the
// type parameter replaced by the name of its type argument ("main.P"),
// which it then cannot find when the argument is a type declared in the
// notebook: the cell fails with "invalid memory address or nil pointer
// dereference" (with int it works). It infers the same instantiation from
// the arguments without trouble. So, inside generic code, calls whose type
// arguments involve type parameters are written without them: those
// Rewrite would make explicit (helpers, min, max, clear, new and the
// notebook's generic functions) and those the cell spells itself when
// every type parameter of the callee can be inferred from its arguments.

// hasTypeParam reports whether t mentions a type parameter.
func hasTypeParam(t types.Type) bool {
	return typeParamIn(t, make(map[types.Type]bool))
}

func typeParamIn(t types.Type, seen map[types.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.TypeParam:
		return true
	case *types.Named:
		args := t.TypeArgs()
		for i := 0; i < args.Len(); i++ {
			if typeParamIn(args.At(i), seen) {
				return true
			}
		}
	case *types.Alias:
		return typeParamIn(types.Unalias(t), seen)
	case *types.Pointer:
		return typeParamIn(t.Elem(), seen)
	case *types.Slice:
		return typeParamIn(t.Elem(), seen)
	case *types.Array:
		return typeParamIn(t.Elem(), seen)
	case *types.Chan:
		return typeParamIn(t.Elem(), seen)
	case *types.Map:
		return typeParamIn(t.Key(), seen) || typeParamIn(t.Elem(), seen)
	case *types.Signature:
		return typeParamIn(t.Params(), seen) || typeParamIn(t.Results(), seen)
	case *types.Tuple:
		for i := 0; i < t.Len(); i++ {
			if typeParamIn(t.At(i).Type(), seen) {
				return true
			}
		}
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if typeParamIn(t.Field(i).Type(), seen) {
				return true
			}
		}
	case *types.Interface:
		for i := 0; i < t.NumMethods(); i++ {
			if typeParamIn(t.Method(i).Type(), seen) {
				return true
			}
		}
	}
	return false
}

// anyTypeParam reports whether a list of type arguments mentions a type
// parameter.
func anyTypeParam(l *types.TypeList) bool {
	for i := 0; i < l.Len(); i++ {
		if hasTypeParam(l.At(i)) {
			return true
		}
	}
	return false
}

// inferable reports whether every type parameter of a generic signature
// appears in the types of its parameters, so that a call can do without
// type arguments.
func inferable(sig *types.Signature) bool {
	tps := sig.TypeParams()
	for i := 0; i < tps.Len(); i++ {
		tp := tps.At(i)
		found := false
		for j := 0; j < sig.Params().Len() && !found; j++ {
			found = mentions(sig.Params().At(j).Type(), tp, make(map[types.Type]bool))
		}
		if !found {
			return false
		}
	}
	return true
}

// mentions reports whether t mentions the type parameter tp.
func mentions(t types.Type, tp *types.TypeParam, seen map[types.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.TypeParam:
		return t == tp
	case *types.Named:
		args := t.TypeArgs()
		for i := 0; i < args.Len(); i++ {
			if mentions(args.At(i), tp, seen) {
				return true
			}
		}
	case *types.Alias:
		return mentions(types.Unalias(t), tp, seen)
	case *types.Pointer:
		return mentions(t.Elem(), tp, seen)
	case *types.Slice:
		return mentions(t.Elem(), tp, seen)
	case *types.Array:
		return mentions(t.Elem(), tp, seen)
	case *types.Chan:
		return mentions(t.Elem(), tp, seen)
	case *types.Map:
		return mentions(t.Key(), tp, seen) || mentions(t.Elem(), tp, seen)
	case *types.Signature:
		for _, tu := range []*types.Tuple{t.Params(), t.Results()} {
			for i := 0; i < tu.Len(); i++ {
				if mentions(tu.At(i).Type(), tp, seen) {
					return true
				}
			}
		}
	}
	return false
}

// dropTypeArgs removes the type arguments the cell wrote in an
// instantiation of a generic function of the notebook by type parameters,
// F[E](s, v), when the call can infer them.
func (r *rewriter) dropTypeArgs(id *ast.Ident, lbrack, rbrack int, call bool) bool {
	inst, ok := r.a.info.Instances[id]
	if !ok || !call || !anyTypeParam(inst.TypeArgs) {
		return false
	}
	fn, ok := r.a.info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() != r.a.pkg {
		return false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || !inferable(sig) {
		return false
	}
	r.edits = append(r.edits, edit{lbrack, rbrack + 1, ""})
	return true
}

// isCallee reports whether x, the operand of an index expression, is
// called: F[E](...).
func (r *rewriter) isCallee(x ast.Expr) bool {
	return r.isFunOfCall(r.parents[x])
}

// isFunOfCall reports whether n, in parentheses or not, is the function of a
// call.
func (r *rewriter) isFunOfCall(n ast.Node) bool {
	n, p := r.outerParens(n)
	c, ok := p.(*ast.CallExpr)
	return ok && c.Fun == n
}

// outerParens returns the outermost parenthesised expression around n (n
// itself when it is not in parentheses), and that expression's parent.
func (r *rewriter) outerParens(n ast.Node) (ast.Node, ast.Node) {
	p := r.parents[n]
	for {
		pe, ok := p.(*ast.ParenExpr)
		if !ok {
			return n, p
		}
		n, p = pe, r.parents[pe]
	}
}
