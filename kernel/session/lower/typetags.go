package lower

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"sync/atomic"
)

// Type tags. yaegi gives a value of a type declared in a cell no Go name at
// run time: a Celsius is a float64, a point an unnamed struct. Where a value
// meets the code that prints it or compares error types, the static type
// that go/types knows is passed along, as a string the printer resolves
// against the notebook's declarations (kernel/session/fmtshim):
//
//	fmt.Println(temps)        ->  fmt.Println(TAG(temps, "[]Celsius"))
//	enc.Encode(person)        ->  enc.Encode(JSON(person, "Person"))
//	t.Execute(w, person)      ->  t.Execute(w, TEMPLATE(person, "Person"))
//	return NotFound{name}     ->  return ERR(NotFound{name}, "NotFound")  (in a func returning error)
//
// The second, done wherever Go converts a value of a declared type to error
// (return, assignment, argument, send, comparison, composite literal),
// also spares the value yaegi's interface wrapper, which loses a struct
// (it keeps the struct's last field instead).

// TypeTags names the functions of the interpreter that [Rewrite] passes
// static types to, as fn(x, "T") where T is x's type as a cell writes it.
type TypeTags struct {
	// Tag wraps an argument of package fmt's printing functions,
	// Errorf, the target of errors.As, json.Marshal and MarshalIndent,
	// and of the session's __glshow.
	Tag string
	// Error wraps a value of a declared type converted to error; it must
	// return an error.
	Error string
	// JSON wraps the argument of (*json.Encoder).Encode; it returns what
	// to encode.
	JSON string
	// Template wraps the data of (*template.Template).Execute and
	// ExecuteTemplate (text/template and html/template); it returns what
	// to execute the template with.
	Template string
	// Formatter, Errorer and Stringer wrap an argument of fmt's printing
	// functions whose type the printer cannot know (an instance of a
	// generic type, a type declared in a function) and that has a Format,
	// Error or String method: functions taking a fmt.Formatter, an error
	// and a fmt.Stringer, so that yaegi passes them a wrapper with the
	// method, as it does for fmt's own functions.
	Formatter, Errorer, Stringer string
	// Recover wraps every call of the builtin recover (except one that is
	// itself deferred): it returns what Go's recover returns for the value
	// yaegi's recover returned (which is the reflect.Value of a panic's
	// argument, and reflect's words for Go's runtime errors).
	Recover string
	// Concrete wraps the operand, of an empty interface type, of a type
	// assertion to a type the notebook declares (not an interface): it
	// returns the value an error proxy of the printer holds (what Error
	// made), any other value as it is. yaegi sees through such proxies
	// for an operand of type error only.
	Concrete string
}

// tagFuncs holds the tagging functions, or nil when tagging is off (the
// default).
var tagFuncs atomic.Pointer[TypeTags]

// SetTypeTags makes [Rewrite] pass static types along to the functions t
// names; a zero TypeTags turns tagging off. It affects every later Rewrite
// in the process.
func SetTypeTags(t TypeTags) {
	if t.Tag == "" || t.Error == "" || t.JSON == "" || t.Template == "" || t.Formatter == "" || t.Errorer == "" || t.Stringer == "" || t.Recover == "" || t.Concrete == "" {
		tagFuncs.Store(nil)
		return
	}
	tagFuncs.Store(&t)
}

// taggedFuncs are the functions whose arguments (from the index given) are
// tagged.
var taggedFuncs = map[string]int{
	"fmt.Print": 0, "fmt.Println": 0, "fmt.Printf": 1,
	"fmt.Sprint": 0, "fmt.Sprintln": 0, "fmt.Sprintf": 1,
	"fmt.Fprint": 1, "fmt.Fprintln": 1, "fmt.Fprintf": 2,
	"fmt.Append": 1, "fmt.Appendln": 1, "fmt.Appendf": 2,
	"fmt.Errorf":            1,
	"errors.As":             1, // the target; errors themselves are tagged as conversions to error
	"encoding/json.Marshal": 0, "encoding/json.MarshalIndent": 0,
}

// tags collects the insertions of type tags, kept apart from the other
// edits so that they enclose them.
type tags struct {
	open, close []edit
}

// around returns edits with the tags' openings before them and their
// closings after them, the innermost tag's first, so that at equal offsets
// tags enclose what other edits insert.
func (t tags) around(edits []edit) []edit {
	if len(t.open) == 0 {
		return edits
	}
	out := append(append([]edit{}, t.open...), edits...)
	for i := len(t.close) - 1; i >= 0; i-- {
		out = append(out, t.close[i])
	}
	return out
}

// tagCall tags the arguments of c when it calls one of taggedFuncs.
func (r *rewriter) tagCall(c *ast.CallExpr) {
	fns := tagFuncs.Load()
	if fns == nil || c.Ellipsis.IsValid() {
		return
	}
	from := -1
	switch fun := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		if fun.Name == "__glshow" && r.a.info.Uses[fun] == nil {
			from = 0
		}
	case *ast.SelectorExpr:
		if fn, ok := r.a.info.Uses[fun.Sel].(*types.Func); ok && fn.Pkg() != nil {
			recv := fn.Type().(*types.Signature).Recv()
			if i, ok := taggedFuncs[fn.Pkg().Path()+"."+fn.Name()]; ok && recv == nil {
				from = i
			}
			if recv != nil && fn.Pkg().Path() == "encoding/json" && fn.Name() == "Encode" && len(c.Args) == 1 {
				r.tagArg(c.Args[0], fns.JSON)
				return
			}
			if path := fn.Pkg().Path(); recv != nil && (path == "text/template" || path == "html/template") &&
				(fn.Name() == "Execute" && len(c.Args) == 2 || fn.Name() == "ExecuteTemplate" && len(c.Args) == 3) {
				r.tagArg(c.Args[len(c.Args)-1], fns.Template)
				return
			}
		}
	}
	if from < 0 {
		return
	}
	fmtPkg := ""
	if sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
		if x, ok := sel.X.(*ast.Ident); ok {
			if pn, ok := r.a.info.Uses[x].(*types.PkgName); ok && pn.Imported().Path() == "fmt" {
				fmtPkg = x.Name
			}
		}
	}
	for _, arg := range c.Args[min(from, len(c.Args)):] {
		if !r.tagArg(arg, fns.Tag) && fmtPkg != "" {
			r.wrapForFmt(arg, fns)
		}
	}
}

// wrapForFmt passes arg, a value of a type the printer cannot know (a
// generic type's instance, a type declared in a function) that has a
// Format, Error or String method, through fns.Formatter, Errorer or
// Stringer.
func (r *rewriter) wrapForFmt(arg ast.Expr, fns *TypeTags) {
	tv, ok := r.a.info.Types[arg]
	if !ok || tv.Type == nil || tv.IsType() || types.IsInterface(tv.Type) || !r.unknownToPrinter(tv.Type) {
		return
	}
	ms := types.NewMethodSet(tv.Type)
	has := func(name string, sig string) bool {
		sel := ms.Lookup(nil, name)
		if sel == nil {
			for i := 0; i < ms.Len(); i++ {
				if ms.At(i).Obj().Name() == name {
					sel = ms.At(i)
				}
			}
		}
		return sel != nil && types.TypeString(sel.Type(), func(*types.Package) string { return "" }) == sig
	}
	conv := ""
	switch {
	case has("Format", "func(State, rune)"):
		conv = fns.Formatter
	case has("Error", "func() string"):
		conv = fns.Errorer
	case has("String", "func() string"):
		conv = fns.Stringer
	default:
		return
	}
	r.tags.open = append(r.tags.open, edit{r.off(arg.Pos()), r.off(arg.Pos()), conv + "("})
	r.tags.close = append(r.tags.close, edit{r.off(arg.End()), r.off(arg.End()), ")"})
}

// unknownToPrinter reports whether t is (a pointer to) a named type of the
// cell that the printer's registry does not hold: an instance of a generic
// type, or a type declared inside a function.
func (r *rewriter) unknownToPrinter(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() != r.a.pkg {
		return false
	}
	return n.TypeArgs().Len() > 0 || n.Obj().Parent() != r.a.pkg.Scope()
}

// tagArg wraps arg as fn(arg, "T") when its type involves a declared type;
// it reports whether it did.
func (r *rewriter) tagArg(arg ast.Expr, fn string) bool {
	tv, ok := r.a.info.Types[arg]
	if !ok || tv.Type == nil || tv.IsType() || !r.declaredIn(tv.Type, 0) {
		return false
	}
	s, ok := r.typeString(tv.Type)
	if ok {
		r.tag(arg, fn, s)
	}
	return ok
}

// tag wraps the expression x as fn(x, "typ").
func (r *rewriter) tag(x ast.Expr, fn, typ string) {
	r.tags.open = append(r.tags.open, edit{r.off(x.Pos()), r.off(x.Pos()), fn + "("})
	r.tags.close = append(r.tags.close, edit{r.off(x.End()), r.off(x.End()), ", " + strconv.Quote(typ) + ")"})
}

// tagErrors wraps, in n, the values of types declared in the notebook that
// Go converts to error: assigned, returned, sent, passed, compared or put in
// a composite literal where an error is expected.
func (r *rewriter) tagErrors(n ast.Node) {
	fns := tagFuncs.Load()
	if fns == nil {
		return
	}
	switch n := n.(type) {
	case *ast.ReturnStmt:
		sig := r.enclosingSignature(n)
		if sig == nil || sig.Results().Len() != len(n.Results) {
			return
		}
		for i, x := range n.Results {
			r.tagError(x, sig.Results().At(i).Type(), fns.Error)
		}
	case *ast.AssignStmt:
		if n.Tok != token.ASSIGN || len(n.Lhs) != len(n.Rhs) {
			return
		}
		for i, x := range n.Rhs {
			if tv, ok := r.a.info.Types[n.Lhs[i]]; ok {
				r.tagError(x, tv.Type, fns.Error)
			}
		}
	case *ast.ValueSpec:
		if n.Type == nil || len(n.Values) != len(n.Names) {
			return
		}
		if tv, ok := r.a.info.Types[n.Type]; ok {
			for _, x := range n.Values {
				r.tagError(x, tv.Type, fns.Error)
			}
		}
	case *ast.SendStmt:
		if tv, ok := r.a.info.Types[n.Chan]; ok {
			if ch, ok := tv.Type.Underlying().(*types.Chan); ok {
				r.tagError(n.Value, ch.Elem(), fns.Error)
			}
		}
	case *ast.BinaryExpr:
		if n.Op != token.EQL && n.Op != token.NEQ {
			return
		}
		x, y := r.a.info.Types[n.X], r.a.info.Types[n.Y]
		if x.Type != nil && y.Type != nil {
			r.tagError(n.X, y.Type, fns.Error)
			r.tagError(n.Y, x.Type, fns.Error)
		}
	case *ast.CallExpr:
		tv, ok := r.a.info.Types[n.Fun]
		if ok && tv.IsType() && len(n.Args) == 1 {
			r.tagError(n.Args[0], tv.Type, fns.Error) // error(x)
			return
		}
		if ok && tv.IsBuiltin() && len(n.Args) == 1 {
			if id, isID := ast.Unparen(n.Fun).(*ast.Ident); isID && id.Name == "panic" {
				r.tagPanic(n.Args[0], fns.Error)
			}
			return
		}
		if !ok || tv.IsType() || tv.IsBuiltin() {
			return
		}
		sig, ok := tv.Type.Underlying().(*types.Signature)
		if !ok {
			return
		}
		for i, x := range n.Args {
			var pt types.Type
			switch {
			case sig.Variadic() && i >= sig.Params().Len()-1:
				if n.Ellipsis.IsValid() {
					continue
				}
				pt = sig.Params().At(sig.Params().Len() - 1).Type().(*types.Slice).Elem()
			case i < sig.Params().Len():
				pt = sig.Params().At(i).Type()
			default:
				continue
			}
			r.tagError(x, pt, fns.Error)
		}
	case *ast.CompositeLit:
		tv, ok := r.a.info.Types[n]
		if !ok || tv.Type == nil {
			return
		}
		switch u := tv.Type.Underlying().(type) {
		case *types.Struct:
			for i, el := range n.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						if f, ok := r.a.info.Uses[id].(*types.Var); ok {
							r.tagError(kv.Value, f.Type(), fns.Error)
						}
					}
				} else if i < u.NumFields() {
					r.tagError(el, u.Field(i).Type(), fns.Error)
				}
			}
		case *types.Slice, *types.Array, *types.Map:
			var key, elem types.Type
			switch u := u.(type) {
			case *types.Slice:
				elem = u.Elem()
			case *types.Array:
				elem = u.Elem()
			case *types.Map:
				key, elem = u.Key(), u.Elem()
			}
			for _, el := range n.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					if key != nil {
						r.tagError(kv.Key, key, fns.Error)
					}
					el = kv.Value
				}
				r.tagError(el, elem, fns.Error)
			}
		}
	}
}

// tagError wraps x, when it is a value of a type the notebook declares and
// want is the error interface, as errorOf(x, "T").
func (r *rewriter) tagError(x ast.Expr, want types.Type, errorOf string) {
	if want == nil || !types.Identical(want, types.Universe.Lookup("error").Type()) {
		return
	}
	if cl, ok := ast.Unparen(x).(*ast.CompositeLit); ok && cl.Type == nil {
		return // an element of an outer literal, typed by it
	}
	tv, ok := r.a.info.Types[x]
	if !ok || tv.Type == nil || tv.IsNil() || types.IsInterface(tv.Type) || !r.declaredIn(tv.Type, 1) {
		return
	}
	if s, ok := r.typeString(tv.Type); ok {
		r.tag(x, errorOf, s)
	}
}

// enclosingSignature returns the signature of the function n is in.
func (r *rewriter) enclosingSignature(n ast.Node) *types.Signature {
	for p := r.parents[n]; p != nil; p = r.parents[p] {
		switch f := p.(type) {
		case *ast.FuncLit:
			if tv, ok := r.a.info.Types[f]; ok {
				sig, _ := tv.Type.(*types.Signature)
				return sig
			}
			return nil
		case *ast.FuncDecl:
			if obj, ok := r.a.info.Defs[f.Name].(*types.Func); ok {
				return obj.Type().(*types.Signature)
			}
			return nil
		}
	}
	return nil
}

// declaredIn reports whether the type t involves a type the notebook
// declares at its top level (the printer knows those), looking through
// composite types; with depth 1, only t itself or a pointer to it counts.
func (r *rewriter) declaredIn(t types.Type, depth int) bool {
	switch t := t.(type) {
	case *types.Alias:
		return r.declaredIn(types.Unalias(t), depth)
	case *types.Named:
		obj := t.Obj()
		return obj.Pkg() == r.a.pkg && obj.Parent() == r.a.pkg.Scope() && t.TypeArgs().Len() == 0
	case *types.Pointer:
		return r.declaredIn(t.Elem(), depth)
	}
	if depth > 0 {
		return false
	}
	switch t := t.(type) {
	case *types.Slice:
		return r.declaredIn(t.Elem(), 0)
	case *types.Array:
		return r.declaredIn(t.Elem(), 0)
	case *types.Map:
		return r.declaredIn(t.Key(), 0) || r.declaredIn(t.Elem(), 0)
	case *types.Chan:
		return r.declaredIn(t.Elem(), 0)
	case *types.Signature:
		for _, l := range []*types.Tuple{t.Params(), t.Results()} {
			for i := 0; i < l.Len(); i++ {
				if r.declaredIn(l.At(i).Type(), 0) {
					return true
				}
			}
		}
	}
	return false
}

// recoverCall passes the value of a call of recover through the
// interpreter's Recover function (see [TypeTags]), unless the call is the
// deferred or go call itself (defer recover() stops no panic in Go).
func (r *rewriter) recoverCall(c *ast.CallExpr) {
	fns := tagFuncs.Load()
	if fns == nil {
		return
	}
	_, p := r.outerParens(c)
	switch p.(type) {
	case *ast.DeferStmt, *ast.GoStmt:
		return
	}
	r.tags.open = append(r.tags.open, edit{r.off(c.Pos()), r.off(c.Pos()), fns.Recover + "("})
	r.tags.close = append(r.tags.close, edit{r.off(c.End()), r.off(c.End()), ")"})
}

// tagPanic wraps the argument of panic, when it is a value of a type the
// notebook declares that implements error, as an error (errorOf(x, "T")),
// so that recover returns an error, as in Go: yaegi gives an interface
// holding a value of a declared type no methods.
func (r *rewriter) tagPanic(x ast.Expr, errorOf string) {
	tv, ok := r.a.info.Types[x]
	if !ok || tv.Type == nil || tv.IsNil() || types.IsInterface(tv.Type) || !r.declaredIn(tv.Type, 1) {
		return
	}
	errType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	if !types.Implements(tv.Type, errType) {
		return
	}
	if s, ok := r.typeString(tv.Type); ok {
		r.tag(x, errorOf, s)
	}
}

// concreteOperand returns x, the text of an operand of static type xt of
// an assertion to a concrete type of the notebook, passed through the
// printer's Concrete function (see [TypeTags]) when xt is an empty
// interface.
func (r *rewriter) concreteOperand(xt types.Type, x string) string {
	fns := tagFuncs.Load()
	if fns == nil {
		return x
	}
	if iface, ok := xt.Underlying().(*types.Interface); !ok || !iface.Empty() {
		return x
	}
	return fns.Concrete + "(" + x + ")"
}

// typeAssert passes the operand of x.(T), T a concrete type of the
// notebook and x of an empty interface type, through the printer's
// Concrete function (see [TypeTags]).
func (r *rewriter) typeAssert(ta *ast.TypeAssertExpr) {
	fns := tagFuncs.Load()
	if fns == nil || ta.Type == nil {
		return
	}
	tt, xt := r.a.info.Types[ta.Type].Type, r.a.info.Types[ta.X].Type
	if tt == nil || xt == nil || types.IsInterface(tt) || !r.declaredIn(tt, 1) {
		return
	}
	if iface, ok := xt.Underlying().(*types.Interface); !ok || !iface.Empty() {
		return
	}
	r.tags.open = append(r.tags.open, edit{r.off(ta.X.Pos()), r.off(ta.X.Pos()), fns.Concrete + "("})
	r.tags.close = append(r.tags.close, edit{r.off(ta.X.End()), r.off(ta.X.End()), ")"})
}
