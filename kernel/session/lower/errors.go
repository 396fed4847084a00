package lower

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
)

// errors.AsType (Go 1.26) is generic, so the interpreter's standard
// library lacks it, and a generic helper cannot stand in: in yaegi v0.16.1
// a type assertion to a type parameter fails for pointer types, and an
// error holding a type of the notebook answers no assertion to an
// interface it did not declare (interface{ Unwrap() error } finds nothing).
// So each call becomes a function literal with the type written out,
// walking the tree of wrapped errors as errors.As does (depth first, Unwrap
// of one error or of several, As methods), with assertions naming the
// notebook's types that have Unwrap or As methods. Known limit: errors
// wrapped, with a type of the notebook inside, by compiled code that wraps
// several (errors.Join) are not searched. Errors travel as *error: a closure called
// with an error holding a struct of the notebook fails in yaegi.

// errorsAsType lowers errors.AsType[T](err).
func (r *rewriter) errorsAsType(c *ast.CallExpr, sel *ast.SelectorExpr) {
	inst, ok := r.a.info.Instances[sel.Sel]
	if !ok || inst.TypeArgs.Len() != 1 || len(c.Args) != 1 {
		return
	}
	t := inst.TypeArgs.At(0)
	if hasTypeParam(t) {
		r.fail(c.Pos(), "errors.AsType with a type parameter")
		return
	}
	ts, ok := r.mustType(t, c.Pos(), "errors.AsType")
	if !ok {
		return
	}
	r.replace(c.Fun.Pos(), c.Fun.End(), r.asTypeLiteral(ts, sel.X.(*ast.Ident).Name, !r.fromNotebook(t)))
	arg := c.Args[0]
	r.used["__lower_errors_ref"] = true
	r.edits = append(r.edits, edit{r.off(arg.Pos()), r.off(arg.Pos()), "__lower_errors_ref("}, edit{r.off(arg.End()), r.off(arg.End()), ")"})
	r.inspect(arg)
}

// asTypeLiteral returns the function literal that replaces
// errors.AsType[T] for the type spelled ts; pkg is the cell's name of
// package errors, compiled whether T is a compiled type. It tests with
// comma-ok assertions to types of the notebook: yaegi's type switch on an
// error never matches one, nor does an assertion to an interface the
// program declares (interface{ Unwrap() error }), so compiled wrappers are
// unwrapped with errors.Unwrap and searched with errors.As.
func (r *rewriter) asTypeLiteral(ts, pkg string, compiled bool) string {
	unwrap1, unwrapN, as := r.errorMethodTypes()
	var b strings.Builder
	fmt.Fprintf(&b, "(func(__lower_p *error) (%s, bool) { var __lower_t %s; __lower_s := []*error{__lower_p}; ", ts, ts)
	b.WriteString("for len(__lower_s) > 0 { __lower_e := *__lower_s[len(__lower_s)-1]; __lower_s = __lower_s[:len(__lower_s)-1]; if __lower_e == nil { continue }; ")
	fmt.Fprintf(&b, "if __lower_x, ok := __lower_e.(%s); ok { return __lower_x, true }; ", ts)
	for _, t := range as {
		fmt.Fprintf(&b, "if __lower_x, ok := __lower_e.(%s); ok && __lower_x.As(&__lower_t) { return __lower_t, true }; ", t)
	}
	if compiled {
		fmt.Fprintf(&b, "if %s.As(__lower_e, &__lower_t) { return __lower_t, true }; ", pkg)
	}
	for _, t := range unwrap1 {
		fmt.Fprintf(&b, "if __lower_x, ok := __lower_e.(%s); ok { __lower_s = append(__lower_s, __lower_errors_ref(__lower_x.Unwrap())); continue }; ", t)
	}
	for _, t := range unwrapN {
		fmt.Fprintf(&b, "if __lower_x, ok := __lower_e.(%s); ok { __lower_l := __lower_x.Unwrap(); for __lower_i := len(__lower_l) - 1; __lower_i >= 0; __lower_i-- { __lower_s = append(__lower_s, &__lower_l[__lower_i]) }; continue }; ", t)
	}
	fmt.Fprintf(&b, "__lower_s = append(__lower_s, __lower_errors_ref(%s.Unwrap(__lower_e))) }; return __lower_t, false })", pkg)
	return b.String()
}

// fromNotebook reports whether t names a type declared in the program.
func (r *rewriter) fromNotebook(t types.Type) bool {
	found := false
	types.TypeString(t, func(p *types.Package) string {
		found = found || p == r.a.pkg
		return p.Name()
	})
	return found
}

// errorMethodTypes returns the types of the notebook (T or *T, as the
// method set requires) with a method Unwrap() error, Unwrap() []error or
// As(any) bool, spelled for the cell.
func (r *rewriter) errorMethodTypes() (unwrap1, unwrapN, as []string) {
	if r.a.pkg == nil {
		return
	}
	errType := types.Universe.Lookup("error").Type()
	scope := r.a.pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		named, ok := tn.Type().(*types.Named)
		if !ok || named.TypeParams().Len() > 0 || types.IsInterface(named) {
			continue
		}
		for _, t := range []types.Type{named, types.NewPointer(named)} {
			ms := types.NewMethodSet(t)
			has := func(method string, check func(*types.Signature) bool) bool {
				sel := ms.Lookup(r.a.pkg, method)
				if sel == nil {
					return false
				}
				sig, ok := sel.Type().(*types.Signature)
				return ok && check(sig)
			}
			ts, ok := r.typeString(t)
			if !ok || !types.Implements(t, errType.Underlying().(*types.Interface)) {
				continue
			}
			u1 := has("Unwrap", func(s *types.Signature) bool {
				return s.Params().Len() == 0 && s.Results().Len() == 1 && types.Identical(s.Results().At(0).Type(), errType)
			})
			uN := has("Unwrap", func(s *types.Signature) bool {
				return s.Params().Len() == 0 && s.Results().Len() == 1 && types.Identical(s.Results().At(0).Type(), types.NewSlice(errType))
			})
			a := has("As", func(s *types.Signature) bool {
				return s.Params().Len() == 1 && s.Results().Len() == 1 && types.Identical(s.Results().At(0).Type(), types.Typ[types.Bool])
			})
			if u1 {
				unwrap1 = append(unwrap1, ts)
			}
			if uN {
				unwrapN = append(unwrapN, ts)
			}
			if a {
				as = append(as, ts)
			}
			if u1 || uN || a {
				break // T's methods are *T's too
			}
		}
	}
	return
}
