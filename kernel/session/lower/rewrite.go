package lower

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// recoverPanics turns a panic of Rewrite or Check into a harmless result;
// the fuzz test turns it off to find them.
var recoverPanics = true

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// rewriter collects the edits that lower one cell.
type rewriter struct {
	a     *analysis
	src   []byte
	tf    *token.File
	edits []edit
	used  map[string]bool // helpers the edits call
	err   *Error          // first construct that cannot be lowered
	// labels maps a labelled loop to its label statement.
	labels map[ast.Stmt]*ast.LabeledStmt
	// funcRanges holds the range-over-function loops, which become
	// closures.
	funcRanges map[*ast.RangeStmt]bool
	// parents maps each node of the cell to its parent.
	parents map[ast.Node]ast.Node
	// tags are the type tags (typetags.go).
	tags tags
}

// lowerPackages are the packages whose functions Rewrite replaces by
// helpers.
var lowerPackages = map[string]bool{"slices": true, "maps": true, "cmp": true, "strings": true, "iter": true, "sync": true}

// Rewrite lowers constructs yaegi v0.16.1 cannot run. cell is a complete Go
// source file (package main: imports, declarations, and the cell's
// statements inside a function); context holds other files of the same
// package (the notebook's earlier declarations) for type information. out is
// cell rewritten with every original line kept at its line number (so error
// positions still map to the cell); helpers is extra Go source (package main
// declarations, possibly with imports) to evaluate before out, or nil. A
// construct that still cannot run gives an [*Error] whose Msg starts with
// [NotSupported], with its line.
func Rewrite(cell []byte, context [][]byte) (out []byte, helpers []byte, err error) {
	if recoverPanics {
		defer func() {
			if r := recover(); r != nil {
				// A bug here must not stop the cell: run it as written.
				out, helpers, err = cell, nil, nil
			}
		}()
	}
	if !mayNeedLowering(cell, context) {
		return cell, nil, nil
	}
	a := analyze(cell, context)
	if a == nil {
		return cell, nil, nil
	}
	r := &rewriter{
		a:          a,
		src:        cell,
		tf:         a.fset.File(a.file.Pos()),
		used:       make(map[string]bool),
		labels:     make(map[ast.Stmt]*ast.LabeledStmt),
		funcRanges: make(map[*ast.RangeStmt]bool),
		parents:    make(map[ast.Node]ast.Node),
	}
	r.run()
	if r.err != nil {
		return cell, nil, r.err
	}
	out, e := r.apply()
	if e != nil {
		return cell, nil, e
	}
	return out, helperSource(r.used), nil
}

// mayNeedLowering reports, from the syntax alone, whether cell may contain
// something to lower, so that most cells skip type checking.
func mayNeedLowering(cell []byte, context [][]byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), cellName, cell, parser.SkipObjectResolution)
	if err != nil {
		return false
	}
	if len(f.Imports) > 0 {
		return true // lowered packages, and names newer than yaegi's
	}
	var generic map[string]bool
	found := false
	called := make(map[ast.Expr]bool)
	ast.Inspect(f, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.RangeStmt, *ast.ForStmt, *ast.IndexExpr, *ast.IndexListExpr, *ast.DeferStmt, *ast.GoStmt, *ast.TypeSwitchStmt:
			found = true
		case *ast.SwitchStmt:
			for _, st := range n.Body.List {
				found = found || n.Tag == nil && len(st.(*ast.CaseClause).List) > 1
			}
			found = true
		case *ast.SelectorExpr:
			found = !called[n] // a method value or expression, perhaps
			if pe, ok := n.X.(*ast.ParenExpr); ok && !found {
				_, found = pe.X.(*ast.StarExpr) // (*T).M(x), perhaps
			}
		case *ast.ReturnStmt:
			for _, e := range n.Results {
				found = found || isReceive(e)
			}
		case *ast.FuncDecl:
			if n.Type.TypeParams != nil || (n.Body != nil && hasUnnamedParams(n.Type)) {
				found = true
			}
		case *ast.FuncLit:
			found = hasUnnamedParams(n.Type)
		case *ast.CallExpr:
			called[ast.Unparen(n.Fun)] = true
			if id, ok := n.Fun.(*ast.Ident); ok {
				switch id.Name {
				case "min", "max", "clear", "new", "recover":
					found = true
				default:
					if generic == nil {
						_, _, generic = parseContext(context)
					}
					found = generic[id.Name]
				}
			}
		}
		return !found
	})
	return found
}

func (r *rewriter) off(p token.Pos) int { return r.tf.Offset(p) }

func (r *rewriter) fail(p token.Pos, format string, args ...any) {
	if r.err == nil {
		r.err = &Error{Line: r.tf.Line(p), Col: r.tf.Position(p).Column, Msg: NotSupported + fmt.Sprintf(format, args...)}
	}
}

func (r *rewriter) replace(from, to token.Pos, text string) {
	r.edits = append(r.edits, edit{r.off(from), r.off(to), text})
}

func (r *rewriter) text(n ast.Node) string {
	return string(r.src[r.off(n.Pos()):r.off(n.End())])
}

// typeString writes t as the cell can spell it; ok is false when t names a
// package the cell does not import.
func (r *rewriter) typeString(t types.Type) (s string, ok bool) {
	ok = true
	s = types.TypeString(t, func(p *types.Package) string {
		if p == r.a.pkg {
			return ""
		}
		if p.Path() == "iter" {
			ok = false
		}
		name, found := r.a.imports[p.Path()]
		if !found || name == "_" {
			ok = false
			return p.Name()
		}
		if name == "." {
			return ""
		}
		return name
	})
	return s, ok
}

// mustType is typeString that reports a construct it cannot spell.
func (r *rewriter) mustType(t types.Type, at token.Pos, what string) (string, bool) {
	s, ok := r.typeString(t)
	if !ok {
		r.fail(at, "%s with type %s in a cell that does not import its package (add the import to this cell)", what, s)
	}
	return s, ok
}

func (r *rewriter) run() {
	var stack []ast.Node
	ast.Inspect(r.a.file, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if len(stack) > 0 {
			r.parents[n] = stack[len(stack)-1]
		}
		stack = append(stack, n)
		if ls, ok := n.(*ast.LabeledStmt); ok {
			r.labels[ls.Stmt] = ls
		}
		return true
	})
	r.inspect(r.a.file)
	if r.err == nil {
		r.parenFuncLits()
	}
}

// inspect runs the rewriting walk over a subtree.
func (r *rewriter) inspect(n ast.Node) {
	ast.Inspect(n, r.visit)
}

func (r *rewriter) visit(n ast.Node) bool {
	if r.err != nil {
		return false
	}
	switch n := n.(type) {
	case *ast.ImportSpec:
		path := strings.Trim(n.Path.Value, "\"`")
		if newPackages[path] && lookupSymbol(path, importedName(path), "") == unknownPackage {
			r.fail(n.Pos(), "package %s (the interpreter's standard library stops at Go 1.22)", path)
		}
		if path == "iter" {
			// iter.Seq and iter.Seq2 are spelled as function types;
			// a blank import keeps the declaration valid.
			r.replace(n.Pos(), n.End(), `_ "errors"`)
		}
	case *ast.IndexExpr:
		return r.index(n.X, []ast.Expr{n.Index}, n.Lbrack, n.Rbrack)
	case *ast.IndexListExpr:
		return r.index(n.X, n.Indices, n.Lbrack, n.Rbrack)
	case *ast.SelectorExpr:
		r.selector(n)
		if sel := r.methodExpr(n); sel != nil && r.methodExprEdits(n, sel) {
			return false
		}
		if sel := r.methodValue(n); sel != nil && r.methodValueEdits(n, sel) {
			r.inspect(n.X)
			return false
		}
	case *ast.DeferStmt:
		r.deferStmt(n)
	case *ast.GoStmt:
		r.goStmt(n)
	case *ast.TypeSwitchStmt:
		r.typeSwitch(n)
	case *ast.TypeAssertExpr:
		r.typeAssert(n)
	case *ast.SwitchStmt:
		r.tagless(n)
	case *ast.ReturnStmt:
		r.returnReceives(n)
		r.tagErrors(n)
	case *ast.Ident:
		r.genericIdent(n)
	case *ast.CallExpr:
		r.tagCall(n)
		r.tagErrors(n)
		return r.call(n)
	case *ast.AssignStmt, *ast.ValueSpec, *ast.SendStmt, *ast.BinaryExpr, *ast.CompositeLit:
		r.tagErrors(n)
	case *ast.RangeStmt:
		r.rangeStmt(n)
	case *ast.ForStmt:
		r.forStmt(n)
	case *ast.FuncDecl:
		if n.Body != nil {
			r.nameParams(n.Type)
		}
	case *ast.FuncLit:
		r.nameParams(n.Type)
	case *ast.ExprStmt:
		r.fastCall(n) // fastcall.go
	}
	return true
}

// pkgSel returns the import path and name of a qualified identifier pkg.Name.
func (r *rewriter) pkgSel(e ast.Expr) (path, name string, sel *ast.SelectorExpr) {
	s, ok := e.(*ast.SelectorExpr)
	if !ok {
		return "", "", nil
	}
	x, ok := s.X.(*ast.Ident)
	if !ok {
		return "", "", nil
	}
	pn, ok := r.a.info.Uses[x].(*types.PkgName)
	if !ok {
		return "", "", nil
	}
	return pn.Imported().Path(), s.Sel.Name, s
}

// index handles iter.Seq[T] types and explicit instantiations.
func (r *rewriter) index(x ast.Expr, indices []ast.Expr, lbrack, rbrack token.Pos) bool {
	if path, name, _ := r.pkgSel(x); path == "iter" {
		switch name {
		case "Seq", "Seq2":
			open, end := "func(func(", ") bool)"
			if r.isCallee(x) {
				open, end = "("+open, end+")" // a conversion: (func(...))(f)
			}
			r.replace(x.Pos(), lbrack+1, open)
			r.replace(rbrack, rbrack+1, end)
			for _, ix := range indices {
				r.inspect(ix)
			}
			return false
		}
		return true
	}
	id, ok := x.(*ast.Ident)
	if !ok {
		return true
	}
	for _, ix := range indices {
		r.inspect(ix)
	}
	if r.dropTypeArgs(id, r.off(lbrack), r.off(rbrack), r.isCallee(x)) {
		return false
	}
	// A partial explicit instantiation of a generic function of the
	// notebook: give all type arguments.
	inst, ok := r.a.info.Instances[id]
	fn, isFunc := r.a.info.Uses[id].(*types.Func)
	if ok && isFunc && fn.Pkg() == r.a.pkg && inst.TypeArgs.Len() != len(indices) && !anyTypeParam(inst.TypeArgs) {
		if targs, ok := r.typeArgs(inst.TypeArgs); ok {
			r.replace(lbrack, rbrack+1, "["+targs+"]")
		}
	}
	return false
}

func (r *rewriter) typeArgs(l *types.TypeList) (string, bool) {
	var parts []string
	for i := 0; i < l.Len(); i++ {
		s, ok := r.typeString(l.At(i))
		if !ok {
			return "", false
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", "), true
}

// genericIdent gives explicit type arguments to an inferred use of a
// generic function of the notebook: yaegi's inference fails on simple
// calls.
func (r *rewriter) genericIdent(id *ast.Ident) {
	inst, ok := r.a.info.Instances[id]
	if !ok {
		return
	}
	fn, ok := r.a.info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() != r.a.pkg || anyTypeParam(inst.TypeArgs) {
		return // inferred by the interpreter too (see infer.go)
	}
	if targs, ok := r.typeArgs(inst.TypeArgs); ok {
		r.edits = append(r.edits, edit{r.off(id.End()), r.off(id.End()), "[" + targs + "]"})
	}
}

// selector rejects uses of iter and lowered packages that no helper covers.
func (r *rewriter) selector(s *ast.SelectorExpr) {
	path, name, _ := r.pkgSel(s)
	switch path {
	case "iter":
		if name != "Seq" && name != "Seq2" && libHelpers()["__lower_iter_"+name] == nil {
			r.fail(s.Pos(), "iter.%s", name)
		}
	case "slices", "maps":
		if libHelpers()["__lower_"+path+"_"+name] == nil {
			r.fail(s.Pos(), "%s.%s", path, name)
		}
	case "":
	default:
		if libHelpers()["__lower_"+path+"_"+name] != nil || (path == "errors" && name == "AsType") {
			return
		}
		x := s.X.(*ast.Ident)
		pkgName := r.a.info.Uses[x].(*types.PkgName).Imported().Name()
		switch lookupSymbol(path, pkgName, name) {
		case missing:
			if isGeneric(r.a.info.Uses[s.Sel]) {
				r.fail(s.Pos(), "%s.%s (the interpreter cannot use this generic name of the standard library; slices, maps, cmp and sync.OnceValue work)", x.Name, name)
			} else {
				r.fail(s.Pos(), "%s.%s (the interpreter's standard library stops at Go 1.22)", x.Name, name)
			}
		case unknownPackage:
			r.fail(s.Pos(), "package %s (the interpreter's standard library stops at Go 1.22)", path)
		}
	}
}

func (r *rewriter) call(c *ast.CallExpr) bool {
	fun := ast.Unparen(c.Fun)
	if id, ok := fun.(*ast.Ident); ok {
		if b, ok := r.a.info.Uses[id].(*types.Builtin); ok {
			switch b.Name() {
			case "min", "max":
				return r.minMax(c, id)
			case "clear":
				r.clear(c, id)
			case "new":
				r.newExpr(c, id)
			case "recover":
				r.recoverCall(c)
			}
		}
		return true
	}
	// pkg.Name(...) or pkg.Name[...](...)
	x := fun
	switch f := fun.(type) {
	case *ast.IndexExpr:
		x = f.X
	case *ast.IndexListExpr:
		x = f.X
	}
	path, name, sel := r.pkgSel(x)
	if path == "errors" && name == "AsType" {
		r.errorsAsType(c, sel)
		return false
	}
	if sel == nil || !lowerPackages[path] {
		return true
	}
	hname := "__lower_" + path + "_" + name
	h := libHelpers()[hname]
	if h == nil {
		return true // selector reports what slices and maps lack
	}
	fn, ok := r.a.info.Uses[sel.Sel].(*types.Func)
	if !ok {
		return true
	}
	sig := fn.Type().(*types.Signature)
	text := hname
	conv := ""
	if sig.TypeParams() != nil {
		inst, ok := r.a.info.Instances[sel.Sel]
		if !ok {
			return true
		}
		var targs []string
		if anyTypeParam(inst.TypeArgs) {
			// Inside generic code: the interpreter infers them (see
			// infer.go); every type parameter of a helper is in its
			// parameters.
			r.replace(c.Fun.Pos(), c.Fun.End(), text)
			r.used[hname] = true
			for _, arg := range c.Args {
				r.inspect(arg)
			}
			return false
		}
		for _, tp := range h.typeParams {
			i := typeParamIndex(sig.TypeParams(), tp)
			if i < 0 || i >= inst.TypeArgs.Len() {
				r.fail(c.Pos(), "%s.%s", path, name)
				return false
			}
			s, ok := r.mustType(inst.TypeArgs.At(i), c.Pos(), path+"."+name)
			if !ok {
				return false
			}
			targs = append(targs, s)
		}
		text += "[" + strings.Join(targs, ", ") + "]"
		// The helper returns []E or map[K]V where the original returns
		// the argument's own (possibly named) type: convert back.
		if res := sig.Results(); res.Len() == 1 {
			if tp, ok := res.At(0).Type().(*types.TypeParam); ok && !contains(h.typeParams, tp.Obj().Name()) {
				t := inst.TypeArgs.At(tp.Index())
				if _, named := t.(*types.Named); named {
					s, ok := r.mustType(t, c.Pos(), path+"."+name)
					if !ok {
						return false
					}
					conv = s
				}
			}
		}
	}
	if conv != "" {
		text = conv + "(" + text
		r.edits = append(r.edits, edit{r.off(c.End()), r.off(c.End()), ")"})
	}
	r.replace(c.Fun.Pos(), c.Fun.End(), text)
	r.used[hname] = true
	for _, arg := range c.Args {
		r.inspect(arg)
	}
	return false
}

func typeParamIndex(l *types.TypeParamList, name string) int {
	for i := 0; i < l.Len(); i++ {
		if l.At(i).Obj().Name() == name {
			return i
		}
	}
	return -1
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// minMax lowers the min and max builtins (Go 1.21).
func (r *rewriter) minMax(c *ast.CallExpr, id *ast.Ident) bool {
	tv, ok := r.a.info.Types[c]
	if !ok || tv.Type == nil {
		return true
	}
	if tv.Value != nil {
		// A constant: write its value, so that it stays a constant.
		lit := constantLiteral(tv.Value)
		if lit == "" {
			return true
		}
		if b, ok := tv.Type.(*types.Basic); !ok || b.Info()&types.IsUntyped == 0 {
			s, ok := r.mustType(tv.Type, c.Pos(), id.Name)
			if !ok {
				return false
			}
			lit = s + "(" + lit + ")"
		} else {
			lit = "(" + lit + ")"
		}
		r.replace(c.Pos(), c.End(), lit)
		return false
	}
	name := "__lower_" + id.Name
	if hasTypeParam(tv.Type) {
		r.used[name] = true
		r.replace(id.Pos(), id.End(), name) // inferred (see infer.go)
		return true
	}
	s, ok := r.mustType(tv.Type, c.Pos(), id.Name)
	if !ok {
		return false
	}
	r.used[name] = true
	r.replace(id.Pos(), id.End(), name+"["+s+"]")
	return true
}

func constantLiteral(v constant.Value) string {
	switch v.Kind() {
	case constant.Int:
		return v.ExactString()
	case constant.Float:
		if f, ok := constant.Float64Val(v); ok || f != 0 {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
	case constant.String:
		return strconv.Quote(constant.StringVal(v))
	}
	return ""
}

// clear lowers the clear builtin (Go 1.21).
func (r *rewriter) clear(c *ast.CallExpr, id *ast.Ident) {
	if len(c.Args) != 1 {
		return
	}
	tv, ok := r.a.info.Types[c.Args[0]]
	if !ok || tv.Type == nil {
		return
	}
	var name string
	var targs []types.Type
	switch u := tv.Type.Underlying().(type) {
	case *types.Map:
		name, targs = "__lower_clear_map", []types.Type{u.Key(), u.Elem()}
	case *types.Slice:
		name, targs = "__lower_clear_slice", []types.Type{u.Elem()}
	default:
		r.fail(c.Pos(), "clear of a %s", tv.Type)
		return
	}
	if hasTypeParam(tv.Type) {
		r.used[name] = true
		r.replace(id.Pos(), id.End(), name) // inferred (see infer.go)
		return
	}
	var parts []string
	for _, t := range targs {
		s, ok := r.mustType(t, c.Pos(), "clear")
		if !ok {
			return
		}
		parts = append(parts, s)
	}
	r.used[name] = true
	r.replace(id.Pos(), id.End(), name+"["+strings.Join(parts, ", ")+"]")
}

// forStmt gives each iteration its own copy of the loop variables (Go 1.22)
// when a closure or pointer captures them and the body does not assign them.
func (r *rewriter) forStmt(f *ast.ForStmt) {
	init, ok := f.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE {
		return
	}
	var objs []types.Object
	for _, lhs := range init.Lhs {
		if id, ok := lhs.(*ast.Ident); ok && id.Name != "_" {
			if obj := r.a.info.Defs[id]; obj != nil {
				objs = append(objs, obj)
			}
		}
	}
	r.copyLoopVars(f.Body, objs, f)
}

// copyLoopVars inserts "v := v;" at the top of body for the loop variables
// a closure or an address captures. In a three-clause loop (loop set), a
// variable the body assigns is copied back for the post statement (see
// copyBack).
func (r *rewriter) copyLoopVars(body *ast.BlockStmt, objs []types.Object, loop *ast.ForStmt) {
	if len(objs) == 0 {
		return
	}
	captured := make(map[types.Object]bool)
	assigned := make(map[types.Object]bool)
	var walk func(n ast.Node, inFunc bool)
	walk = func(n ast.Node, inFunc bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				walk(n.Body, true)
				return false
			case *ast.Ident:
				if obj := r.a.info.Uses[n]; obj != nil && inFunc {
					captured[obj] = true
				}
			case *ast.UnaryExpr:
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND {
					if obj := r.a.info.Uses[id]; obj != nil {
						captured[obj] = true
					}
				}
			case *ast.AssignStmt:
				for _, lhs := range n.Lhs {
					if id, ok := ast.Unparen(lhs).(*ast.Ident); ok {
						if obj := r.a.info.Uses[id]; obj != nil {
							assigned[obj] = true
						}
					}
				}
			case *ast.IncDecStmt:
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
					if obj := r.a.info.Uses[id]; obj != nil {
						assigned[obj] = true
					}
				}
			}
			return true
		})
	}
	walk(body, false)
	// The copy gets a new name and the body's uses are renamed: yaegi
	// evaluates "v := v" wrongly in statements outside a function.
	var b strings.Builder
	for _, obj := range objs {
		if !captured[obj] || (loop != nil && assigned[obj] && !r.canCopyBack(loop)) {
			continue
		}
		name := fmt.Sprintf("__lower_%s%d", obj.Name(), r.off(body.Lbrace))
		if loop != nil && assigned[obj] {
			r.copyBack(loop, obj.Name(), name)
		}
		fmt.Fprintf(&b, " %s := %s;", name, obj.Name())
		ast.Inspect(body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && r.a.info.Uses[id] == obj {
				r.replace(id.Pos(), id.End(), name)
			}
			return true
		})
	}
	if b.Len() > 0 {
		at := r.off(body.Lbrace) + 1
		r.edits = append(r.edits, edit{at, at, b.String()})
	}
}

func (r *rewriter) rangeStmt(rs *ast.RangeStmt) {
	tv, ok := r.a.info.Types[rs.X]
	if !ok || tv.Type == nil {
		return
	}
	switch u := tv.Type.Underlying().(type) {
	case *types.Basic:
		if u.Info()&types.IsInteger != 0 {
			r.rangeInt(rs, tv)
		}
	case *types.Signature:
		r.rangeFunc(rs, u)
	default:
		r.rangeOfChans(rs)
		if rs.Tok == token.DEFINE {
			var objs []types.Object
			for _, e := range []ast.Expr{rs.Key, rs.Value} {
				if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
					if obj := r.a.info.Defs[id]; obj != nil {
						objs = append(objs, obj)
					}
				}
			}
			r.copyLoopVars(rs.Body, objs, nil)
		}
	}
}

// rangeInt lowers "for i := range n" (Go 1.22) to a three-clause loop with
// a hidden counter, so that assigning i in the body does not change the
// iterations and each iteration has its own i.
func (r *rewriter) rangeInt(rs *ast.RangeStmt, tv types.TypeAndValue) {
	t := tv.Type
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		t = types.Typ[types.Int]
		if rs.Key != nil && rs.Tok == token.ASSIGN {
			if kt, ok := r.a.info.Types[rs.Key]; ok && kt.Type != nil {
				t = kt.Type
			}
		}
	}
	ts, ok := r.mustType(t, rs.Pos(), "range over an integer")
	if !ok {
		return
	}
	// Names are unique per loop: yaegi mixes up shadowed variables in
	// statements outside a function.
	i := fmt.Sprintf("__lower_i%d", r.off(rs.For))
	n := fmt.Sprintf("__lower_n%d", r.off(rs.For))
	r.replace(rs.For+3, rs.X.Pos(), fmt.Sprintf(" %s, %s := %s(0), %s(", i, n, ts, ts))
	r.replace(rs.X.End(), rs.Body.Lbrace, fmt.Sprintf("); %s < %s; %s++ ", i, n, i))
	if rs.Key == nil {
		return
	}
	if id, ok := rs.Key.(*ast.Ident); ok && id.Name == "_" {
		return
	}
	op := ":="
	if rs.Tok == token.ASSIGN {
		op = "="
	}
	at := r.off(rs.Body.Lbrace) + 1
	r.edits = append(r.edits, edit{at, at, fmt.Sprintf(" %s %s %s;", r.text(rs.Key), op, i)})
}

// rangeFunc lowers a range over a function (Go 1.23 iterators) to a call of
// the function with the loop body as yield.
func (r *rewriter) rangeFunc(rs *ast.RangeStmt, sig *types.Signature) {
	if sig.Params().Len() != 1 {
		return
	}
	yield, ok := sig.Params().At(0).Type().Underlying().(*types.Signature)
	if !ok {
		return
	}
	vars := []ast.Expr{rs.Key, rs.Value}
	var params []string
	var assigns strings.Builder
	for k := 0; k < yield.Params().Len(); k++ {
		ts, ok := r.mustType(yield.Params().At(k).Type(), rs.Pos(), "range over a function")
		if !ok {
			return
		}
		name := "_"
		if v := vars[k]; v != nil {
			if rs.Tok == token.ASSIGN {
				name = fmt.Sprintf("__lower_p%d", k)
				fmt.Fprintf(&assigns, " %s = %s;", r.text(v), name)
			} else {
				id, ok := v.(*ast.Ident)
				if !ok {
					return // "non-name on left side of :=": Check says so
				}
				name = id.Name
			}
		}
		params = append(params, name+" "+ts)
	}
	label := r.labels[rs]
	returns := r.funcBody(rs, label)
	if r.err != nil {
		return
	}
	r.funcRanges[rs] = true
	prefix, after := "", ""
	if len(returns) > 0 {
		prefix, after = r.lowerReturns(rs, returns)
		if r.err != nil {
			return
		}
	}
	if label != nil {
		r.replace(label.Pos(), label.Colon+1, "")
	}
	r.replace(rs.For, rs.X.Pos(), prefix)
	r.replace(rs.X.End(), rs.Body.Lbrace+1, "(func("+strings.Join(params, ", ")+") bool {"+assigns.String())
	r.replace(rs.Body.Rbrace, rs.Body.Rbrace+1, "return true})"+after)
}

// lowerReturns turns the return statements in the body of a
// range-over-function loop into assignments to variables declared before
// the loop (prefix) and a return after it (after).
func (r *rewriter) lowerReturns(rs *ast.RangeStmt, returns []*ast.ReturnStmt) (prefix, after string) {
	// The enclosing function, and no range-over-function loop on the way.
	var sig *types.Signature
	for n := r.parents[rs]; n != nil && sig == nil; n = r.parents[n] {
		switch n := n.(type) {
		case *ast.RangeStmt:
			if r.isFuncRange(n) {
				r.fail(returns[0].Pos(), "return inside nested loops over functions (iterators); set a variable and break instead")
				return
			}
		case *ast.FuncLit:
			sig, _ = r.a.info.Types[n].Type.(*types.Signature)
			if sig == nil {
				return
			}
		case *ast.FuncDecl:
			if fn, ok := r.a.info.Defs[n.Name].(*types.Func); ok {
				sig = fn.Type().(*types.Signature)
			} else {
				return
			}
		}
	}
	if sig == nil {
		r.fail(returns[0].Pos(), "return inside a loop over a function (iterator) outside a function")
		return
	}
	id := r.off(rs.For)
	ret := fmt.Sprintf("__lower_ret%d", id)
	var b strings.Builder
	fmt.Fprintf(&b, "var %s bool; ", ret)
	res := sig.Results()
	named := res.Len() > 0 && res.At(0).Name() != ""
	var vars []string
	for k := 0; k < res.Len(); k++ {
		if named {
			if res.At(k).Name() == "_" {
				r.fail(returns[0].Pos(), "return inside a loop over a function (iterator) in a function with a blank result")
				return
			}
			vars = append(vars, res.At(k).Name())
			continue
		}
		ts, ok := r.mustType(res.At(k).Type(), returns[0].Pos(), "return inside a loop over a function (iterator)")
		if !ok {
			return
		}
		v := fmt.Sprintf("__lower_r%d_%d", id, k)
		vars = append(vars, v)
		fmt.Fprintf(&b, "var %s %s; ", v, ts)
	}
	for _, rt := range returns {
		if len(rt.Results) == 0 {
			r.replace(rt.Return, rt.Return+6, fmt.Sprintf("{ %s = true; return false }", ret))
			continue
		}
		if len(rt.Results) == len(vars) && !named {
			// One assignment each to the fresh variables: yaegi fails
			// on "a, b = x, nil".
			r.replace(rt.Return, rt.Results[0].Pos(), "{ "+vars[0]+" = ")
			for k := 1; k < len(vars); k++ {
				r.replace(rt.Results[k-1].End(), rt.Results[k].Pos(), "; "+vars[k]+" = ")
			}
		} else {
			r.replace(rt.Return, rt.Results[0].Pos(), "{ "+strings.Join(vars, ", ")+" = ")
		}
		r.edits = append(r.edits, edit{r.off(rt.End()), r.off(rt.End()), fmt.Sprintf("; %s = true; return false }", ret)})
	}
	if named || res.Len() == 0 {
		after = fmt.Sprintf("; if %s { return }", ret)
	} else {
		after = fmt.Sprintf("; if %s { return %s }", ret, strings.Join(vars, ", "))
	}
	return b.String(), after
}

// isFuncRange reports whether rs ranges over a function.
func (r *rewriter) isFuncRange(rs *ast.RangeStmt) bool {
	tv, ok := r.a.info.Types[rs.X]
	if !ok || tv.Type == nil {
		return false
	}
	_, ok = tv.Type.Underlying().(*types.Signature)
	return ok
}

// funcBody rewrites break and continue of a range-over-function loop into
// returns of its yield function, and rejects what a closure cannot do.
func (r *rewriter) funcBody(rs *ast.RangeStmt, label *ast.LabeledStmt) (returns []*ast.ReturnStmt) {
	labelName := ""
	if label != nil {
		labelName = label.Label.Name
	}
	inner := make(map[string]bool) // labels declared in the body
	ast.Inspect(rs.Body, func(n ast.Node) bool {
		if ls, ok := n.(*ast.LabeledStmt); ok {
			inner[ls.Label.Name] = true
		}
		_, isFunc := n.(*ast.FuncLit)
		return !isFunc
	})
	// loops counts enclosing loops inside the body, breaks enclosing
	// loops, switches and selects; closure is set inside a nested
	// range-over-function loop.
	var walk func(n ast.Node, loops, breaks int, closure bool)
	walk = func(n ast.Node, loops, breaks int, closure bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			if r.err != nil {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				if closure {
					r.fail(n.Pos(), "return inside nested loops over functions (iterators); set a variable and break instead")
					return false
				}
				returns = append(returns, n)
			case *ast.DeferStmt:
				r.fail(n.Pos(), "defer inside a loop over a function (iterator)")
			case *ast.BranchStmt:
				switch n.Tok {
				case token.GOTO, token.FALLTHROUGH:
					if n.Tok == token.GOTO {
						r.fail(n.Pos(), "goto inside a loop over a function (iterator)")
					}
				case token.BREAK, token.CONTINUE:
					ours := false
					if n.Label != nil {
						if n.Label.Name == labelName {
							ours = true
						} else if !inner[n.Label.Name] {
							r.fail(n.Pos(), "%s to an outer loop from inside a loop over a function (iterator)", n.Tok)
							return false
						}
					} else if n.Tok == token.BREAK {
						ours = breaks == 0
					} else {
						ours = loops == 0
					}
					if ours {
						if closure {
							r.fail(n.Pos(), "%s %s from inside a nested loop over a function (iterator)", n.Tok, labelName)
							return false
						}
						text := "return true"
						if n.Tok == token.BREAK {
							text = "return false"
						}
						r.replace(n.Pos(), n.End(), text)
					}
				}
			case *ast.ForStmt:
				walk(n.Body, loops+1, breaks+1, closure)
				return false
			case *ast.RangeStmt:
				nested := closure
				if tv, ok := r.a.info.Types[n.X]; ok && tv.Type != nil {
					if _, ok := tv.Type.Underlying().(*types.Signature); ok {
						nested = true
					}
				}
				walk(n.Body, loops+1, breaks+1, nested)
				return false
			case *ast.SwitchStmt:
				walk(n.Body, loops, breaks+1, closure)
				return false
			case *ast.TypeSwitchStmt:
				walk(n.Body, loops, breaks+1, closure)
				return false
			case *ast.SelectStmt:
				walk(n.Body, loops, breaks+1, closure)
				return false
			}
			return true
		})
	}
	walk(rs.Body, 0, 0, false)
	return returns
}

// apply returns the cell with the edits made, keeping every line in place.
func (r *rewriter) apply() ([]byte, error) {
	r.edits = r.tags.around(r.edits)
	if len(r.edits) == 0 {
		return r.src, nil
	}
	sort.SliceStable(r.edits, func(i, j int) bool {
		if r.edits[i].start != r.edits[j].start {
			return r.edits[i].start < r.edits[j].start
		}
		return r.edits[i].end == r.edits[i].start && r.edits[j].end != r.edits[j].start
	})
	var b bytes.Buffer
	last := 0
	for _, e := range r.edits {
		if e.start < last || e.end < e.start || e.end > len(r.src) {
			return nil, &Error{Line: r.tf.Line(r.tf.Pos(e.start)), Msg: NotSupported + "this combination of new Go features on one line"}
		}
		if bytes.IndexByte(r.src[e.start:e.end], '\n') >= 0 {
			return nil, &Error{Line: r.tf.Line(r.tf.Pos(e.start)), Msg: NotSupported + "this construct written across several lines; put it on one line"}
		}
		b.Write(r.src[last:e.start])
		b.WriteString(e.text)
		last = e.end
	}
	b.Write(r.src[last:])
	return b.Bytes(), nil
}

// isGeneric reports whether obj is a generic function or type.
func isGeneric(obj types.Object) bool {
	switch o := obj.(type) {
	case *types.Func:
		return o.Type().(*types.Signature).TypeParams().Len() > 0
	case *types.TypeName:
		n, ok := o.Type().(*types.Named)
		return ok && n.TypeParams().Len() > 0
	}
	return false
}

// newExpr lowers new with a value rather than a type (Go 1.26): new(42).
func (r *rewriter) newExpr(c *ast.CallExpr, id *ast.Ident) {
	if len(c.Args) != 1 {
		return
	}
	tv, ok := r.a.info.Types[c.Args[0]]
	if !ok || tv.IsType() || tv.Type == nil {
		return
	}
	ct, ok := r.a.info.Types[c]
	if !ok || ct.Type == nil {
		return
	}
	p, ok := ct.Type.(*types.Pointer)
	if !ok {
		return
	}
	if hasTypeParam(p.Elem()) {
		r.used["__lower_new"] = true
		r.replace(id.Pos(), id.End(), "__lower_new") // inferred (see infer.go)
		return
	}
	s, ok := r.mustType(p.Elem(), c.Pos(), "new")
	if !ok {
		return
	}
	r.used["__lower_new"] = true
	r.replace(id.Pos(), id.End(), "__lower_new["+s+"]")
}
