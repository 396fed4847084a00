package lower

import (
	"go/ast"
	"go/types"
)

// mpPath is the import path of the multiprocessing package cells use.
const mpPath = "github.com/gopherlab/gopherlab/runtime/mp"

// fastCall rewrites a statement x.Method() where x is a *mp.T and the
// symbols the session registered (AddSymbols) hold the marker
// _gopherlab<T><Method> in package mp: it becomes
// _ = (*mp._gopherlab<T><Method>)(x), a conversion that kernel/symbols'
// conversion hook turns into the call x.Method() without reflection (yaegi
// calls methods of compiled types through reflect.Value.Call, about 100 ns
// each: a Lock and Unlock in a cell loop took twice as long as Python's
// `with lock:`). The statement keeps its line and its effects; statements
// the rewrite cannot keep on one line, and deferred or concurrent calls
// (defer x.Lock(), go x.Lock()), are left alone.
func (r *rewriter) fastCall(st *ast.ExprStmt) {
	call, ok := st.X.(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return
	}
	// A method of the type itself (not promoted from a field), called on
	// a pointer.
	fn, ok := r.a.info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Type().(*types.Signature).Recv() == nil {
		return
	}
	ptr, ok := r.a.info.Types[sel.X].Type.(*types.Pointer)
	if !ok {
		return
	}
	named, ok := ptr.Elem().(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != mpPath {
		return
	}
	if recv, ok := fn.Type().(*types.Signature).Recv().Type().(*types.Pointer); !ok || !types.Identical(recv.Elem(), named) {
		return
	}
	marker := "_gopherlab" + named.Obj().Name() + sel.Sel.Name
	name, ok := r.a.imports[mpPath]
	if !ok || name == "_" || name == "." || !hasExtraSymbol(mpPath+"/mp", marker) {
		return
	}
	if r.tf.Line(st.Pos()) != r.tf.Line(st.End()) {
		return
	}
	r.replace(st.Pos(), st.Pos(), "_ = (*"+name+"."+marker+")(")
	r.replace(sel.X.End(), call.End(), ")")
}

// hasExtraSymbol reports whether the symbols registered with AddSymbols
// hold key's name.
func hasExtraSymbol(key, name string) bool {
	extraSymbols.RLock()
	defer extraSymbols.RUnlock()
	_, ok := extraSymbols.m[key][name]
	return ok
}
