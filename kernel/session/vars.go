package session

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/gopherlab/gopherlab/kernel/internal/astx"
	"github.com/gopherlab/gopherlab/kernel/session/lower"
)

// Notebook variables.
//
// A cell's statements run as the body of one function, so that they are
// Go statements with Go's scoping: comma-ok forms, blocks whose := shadows,
// defer and recover, return. The variables they declare at the top level
// of the cell (x := ..., var x = ..., var x T) belong to the notebook:
// later cells and the notebook's functions use them. Before the cell runs,
// the session declares each of them at package level, without initialiser,
// with the type the Go type checker gives it (var x T), and the cell's
// declaration becomes an assignment (x = ...). So no statement of a cell is
// part of the notebook's declarations (Source): a child process rebuilding
// them runs none, and gets the variables' values from its parent.
//
// A variable declared again with the type it has keeps its storage, as an
// assignment does; with another type it is declared anew (the functions
// using it are evaluated again, as for any redefinition).

// hoistVar is a variable a cell's statements declare at their top level.
type hoistVar struct {
	name string
	typ  string   // its type in Go syntax, "" while unknown
	line int      // cell line of its first declaration
	doc  string   // doc comment of a var declaration
	stmt ast.Stmt // the statement declaring it first
	// fallback: the type cannot be written, so the variable is declared
	// with the statement's initialiser (in the declarations' evaluation)
	// and the statement does not run.
	fallback bool
}

// initCount numbers the init functions of all cells.
var initCount atomic.Int64

// stmtsHead is the first line of the statements file: the imports and the
// opening of the function holding the statements.
func (s *Session) stmtsHead() string {
	return "package main;" + s.importLine() + "func " + lower.StmtsFunc + "() {"
}

// planCell parses the cell's statements as the body of a function, finds
// the variables they declare at their top level and their types, and
// decides which to declare; it type-checks the cell when it must (its
// declarations, or statements whose types or lowering need it) and
// reports the compile errors before anything runs, as the compiler does.
func (s *Session) planCell(ctx context.Context, c *cell) error {
	src := c.src
	body := blankExcept(src, c.stmts)
	c.stmtText = body
	text := s.stmtsHead() + "\n" + string(withLineComments(src, body)) + "\n}"
	c.parsed = text
	c.fset = token.NewFileSet()
	f, err := parser.ParseFile(c.fset, "", text, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return s.compileError(src, err, nil)
	}
	c.body = f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body
	c.stmtBase = len(s.stmtsHead()) + 1

	// The cell's declarations: main and init.
	if len(c.decls) > 0 {
		dtext := declPrefix + string(withLineComments(src, blankExcept(src, c.decls)))
		c.declFset = token.NewFileSet()
		df, err := parser.ParseFile(c.declFset, "", dtext, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return s.compileError(src, err, nil)
		}
		c.declFile = df
		for _, d := range df.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				switch fd.Name.Name {
				case "main":
					c.mainDecl = true
				case "init":
					c.inits = append(c.inits, fmt.Sprintf("%s%d", initName, initCount.Add(1)))
				}
			}
			c.declNames = append(c.declNames, lowerDeclNames(d)...)
		}
	}
	s.stMu.Lock()
	c.hasMain = c.mainDecl || s.st.decls["main"] != nil && s.st.decls["main"].kind == kFunc
	s.stMu.Unlock()
	if c.mainDecl {
		c.callMain = c.program || !callsMain(c.body)
	}
	// A whole program, or a cell of declarations only: its variables are
	// package-level, declared in any order.
	c.pkgVars = c.program
	if !c.pkgVars && len(c.body.List) > 0 {
		c.pkgVars = true
		for _, st := range c.body.List {
			if ds, ok := st.(*ast.DeclStmt); !ok || ds.Decl.(*ast.GenDecl).Tok != token.VAR {
				c.pkgVars = false
				break
			}
		}
	}

	// The variables.
	seen := map[string]bool{}
	allTyped := true
	for _, st := range c.body.List {
		ids := lower.TopLevelNames(st)
		if as, ok := st.(*ast.AssignStmt); ok && len(ids) > 0 {
			fresh := false
			for _, id := range ids {
				fresh = fresh || id.Name != "_" && !seen[id.Name]
			}
			if !fresh {
				// What the type checker says, also when it is skipped.
				p := c.fset.Position(as.TokPos)
				return s.errorAt(src, p.Line-1, p.Column, "no new variables on left side of :=")
			}
		}
		for i, id := range ids {
			if id.Name == "_" || seen[id.Name] {
				continue
			}
			seen[id.Name] = true
			v := &hoistVar{name: id.Name, line: c.fset.Position(id.Pos()).Line - 1, stmt: st}
			v.typ = s.literalType(c, st, i)
			if ds, ok := st.(*ast.DeclStmt); ok {
				v.doc = docComment(ds.Decl.(*ast.GenDecl).Doc)
			}
			allTyped = allTyped && v.typ != ""
			c.vars = append(c.vars, v)
		}
	}

	if len(c.decls) > 0 || c.pkgVars && len(c.body.List) > 1 || !allTyped || !s.lowerCannotChange(body) || !s.trivialStmts(body) {
		var decls []byte
		stmtsBody := body
		if c.pkgVars {
			// Package-level variables: checked so, in any order.
			decls = []byte("package main;" + s.importLine() + "\n" + string(blankExcept(src, append(append([]segment{}, c.decls...), c.stmts...))))
			stmtsBody = blankExcept(src, nil)
		} else if c.declFile != nil {
			decls = []byte("package main;" + s.importLine() + "\n" + string(blankExcept(src, c.decls)))
		}
		type result struct{ h lower.Hoisted }
		done := make(chan result, 1)
		ctxFiles := s.context(nil)
		stmts := []byte(s.stmtsHead() + "\n" + string(stmtsBody) + "\n}")
		go func() {
			// The first check of a package imports it, which can take
			// seconds: an interrupt must not wait for it.
			done <- result{lower.Hoist(decls, stmts, ctxFiles)}
		}()
		var h lower.Hoisted
		select {
		case r := <-done:
			h = r.h
		case <-ctx.Done():
			return s.yaegiError(ctx, src, ctx.Err(), nil)
		}
		if e := s.checkError(src, h.Errs); e != nil {
			return e
		}
		if len(h.Imports) > 0 {
			if err := s.hiddenImports(ctx, src, h.Imports); err != nil {
				return err
			}
		}
		types := map[string]string{}
		for _, hv := range h.Vars {
			types[hv.Name] = hv.Type
		}
		for _, v := range c.vars {
			if v.typ == "" {
				v.typ = types[v.name]
			}
		}
	}

	// Which to declare.
	cellNo := s.cellNumber()
	fallbackStmt := map[ast.Stmt]bool{}
	for _, v := range c.vars {
		if v.typ == "" {
			fallbackStmt[v.stmt] = true
		}
	}
	done := map[ast.Stmt]bool{}
	s.stMu.Lock()
	defer s.stMu.Unlock()
	for _, v := range c.vars {
		kind := kDefine
		if _, ok := v.stmt.(*ast.DeclStmt); ok {
			kind = kVar
		}
		if fallbackStmt[v.stmt] {
			v.fallback = true
			if done[v.stmt] {
				continue
			}
			done[v.stmt] = true
			d := &decl{kind: kind, line: v.line, cell: cellNo, doc: v.doc}
			for _, id := range lower.TopLevelNames(v.stmt) {
				if id.Name != "_" {
					d.names = append(d.names, id.Name)
				}
			}
			d.text, d.refs = fallbackDecl(c, v.stmt)
			c.declare = append(c.declare, d)
			continue
		}
		if old := s.st.decls[v.name]; old != nil && (old.kind == kVar || old.kind == kDefine) && old.vtype == v.typ && !declaredIn(v.name, c.declNames) {
			old.doc = v.doc
			continue // the same variable: the statement assigns it
		}
		if old := s.st.decls[v.name]; old != nil && (old.kind == kVar || old.kind == kDefine) && old.vtype != "" && refersTo(v.stmt, v.name) {
			// x := f(x) with a new type: the right side reads the old x,
			// kept under another name while the new one is declared.
			c.olds = append(c.olds, oldVar{name: v.name, typ: old.vtype})
		}
		c.declare = append(c.declare, &decl{kind: kind, names: []string{v.name}, line: v.line, cell: cellNo, doc: v.doc,
			text: "var " + v.name + " " + v.typ, vtype: v.typ, refs: typeRefs(v.typ)})
	}
	return nil
}

// oldVar is a notebook variable declared anew, with another type, by a
// statement that reads it: its value is kept as oldPrefix+name for that
// statement.
type oldVar struct{ name, typ string }

// oldPrefix names the variables that keep old values (see oldVar).
const oldPrefix = "__glold_"

// refersTo reports whether the initialisers of a declaring statement name
// name.
func refersTo(st ast.Stmt, name string) bool {
	for _, e := range initialisers(st) {
		if refsOf(e)[name] {
			return true
		}
	}
	return false
}

// initialisers returns the right side of a declaring statement.
func initialisers(st ast.Stmt) []ast.Expr {
	switch st := st.(type) {
	case *ast.AssignStmt:
		return st.Rhs
	case *ast.DeclStmt:
		var out []ast.Expr
		for _, sp := range st.Decl.(*ast.GenDecl).Specs {
			out = append(out, sp.(*ast.ValueSpec).Values...)
		}
		return out
	}
	return nil
}

// keepOld reads the values of the variables c declares anew that its
// statements still read (before they are forgotten), and returns the
// function that declares them under their old names' keepers afterwards.
func (s *Session) keepOld(ctx context.Context, c *cell) func() {
	if len(c.olds) == 0 {
		return func() {}
	}
	vals := map[string]reflect.Value{}
	for _, o := range c.olds {
		if v, err := s.in.Eval(o.name); err == nil && v.IsValid() {
			vals[o.name] = v
		}
	}
	return func() {
		for _, o := range c.olds {
			keeper := oldPrefix + o.name
			forget(s.in, keeper)
			if _, err := s.eval(ctx, declPrefix+"var "+keeper+" "+o.typ); err != nil {
				continue
			}
			if p, err := s.in.Eval("&" + keeper); err == nil && p.Kind() == reflect.Pointer {
				if v, ok := vals[o.name]; ok && v.Type().AssignableTo(p.Elem().Type()) {
					p.Elem().Set(v)
				}
			}
		}
	}
}

func declaredIn(name string, names []string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// lowerDeclNames returns the names a declaration declares ("T.M" for a
// method).
func lowerDeclNames(d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil && len(d.Recv.List) == 1 {
			return []string{astx.RecvName(d.Recv.List[0].Type) + "." + d.Name.Name}
		}
		return []string{d.Name.Name}
	case *ast.GenDecl:
		var out []string
		for _, sp := range d.Specs {
			out = append(out, specNames(sp)...)
		}
		return out
	}
	return nil
}

// callsMain reports whether the statements call main themselves.
func callsMain(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "main" {
				found = true
			}
		}
		return !found
	})
	return found
}

// typeRefs returns the identifiers a type expression names.
func typeRefs(typ string) map[string]bool {
	e, err := parser.ParseExpr(typ)
	if err != nil {
		return map[string]bool{}
	}
	return refsOf(e)
}

// fallbackDecl returns the declaration of the variables of a statement
// whose types cannot be written: a var declaration with the statement's
// initialisers, which the session evaluates with the declarations.
func fallbackDecl(c *cell, st ast.Stmt) (string, map[string]bool) {
	text := func(n ast.Node) string { return nodeText(c.fset, []byte(c.parsed), 0, n) }
	switch st := st.(type) {
	case *ast.AssignStmt:
		lhs := make([]string, len(st.Lhs))
		for i, l := range st.Lhs {
			lhs[i] = text(l)
		}
		rhs := make([]string, len(st.Rhs))
		for i, r := range st.Rhs {
			rhs[i] = text(r)
		}
		return "var " + strings.Join(lhs, ", ") + " = " + strings.Join(rhs, ", "), refsOf(st)
	case *ast.DeclStmt:
		return text(st.Decl), refsOf(st)
	}
	return "", nil
}

// literalType returns, without type checking, the type of the i'th name
// a top-level statement declares when the syntax alone tells it (a := 1,
// s := "x", p := point{1, 2}, xs := []int{}, m := make(map[string]int),
// var n int), or "".
func (s *Session) literalType(c *cell, st ast.Stmt, i int) string {
	var e ast.Expr
	switch st := st.(type) {
	case *ast.AssignStmt:
		if len(st.Lhs) != len(st.Rhs) {
			return ""
		}
		e = st.Rhs[i]
	case *ast.DeclStmt:
		gd := st.Decl.(*ast.GenDecl)
		n := 0
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			if i < n+len(vs.Names) {
				if vs.Type != nil {
					return s.typeText(c, vs.Type)
				}
				if len(vs.Values) != len(vs.Names) {
					return ""
				}
				e = vs.Values[i-n]
				break
			}
			n += len(vs.Names)
		}
	}
	t, untyped := s.exprType(c, e)
	if untyped {
		return defaultType[t]
	}
	return t
}

// defaultType is the type of a variable initialised with an untyped
// constant of each kind.
var defaultType = map[string]string{"int": "int", "rune": "rune", "float": "float64", "complex": "complex128", "string": "string", "bool": "bool"}

// untypedRank orders the kinds of untyped numeric constants: an operation
// on two has the kind of the later one.
var untypedRank = map[string]int{"int": 1, "rune": 2, "float": 3, "complex": 4}

// exprType returns the type of an expression when its syntax and the
// notebook's variables tell it: literals and constant arithmetic on them,
// variables of known types and arithmetic on them, conversions to
// predeclared types, len and cap, composite literals, make. untyped
// reports an untyped constant, whose kind ("int", "rune", "float",
// "complex", "string", "bool") t is then. It returns "" when it cannot
// tell; the type checker does the rest.
func (s *Session) exprType(c *cell, e ast.Expr) (t string, untyped bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return "int", true
		case token.FLOAT:
			return "float", true
		case token.IMAG:
			return "complex", true
		case token.CHAR:
			return "rune", true
		case token.STRING:
			return "string", true
		}
	case *ast.ParenExpr:
		return s.exprType(c, e.X)
	case *ast.Ident:
		if e.Name == "true" || e.Name == "false" {
			if !s.declared(c, e.Name) {
				return "bool", true
			}
			return "", false
		}
		return s.varType(c, e.Name), false
	case *ast.CompositeLit:
		return s.typeText(c, e.Type), false
	case *ast.UnaryExpr:
		switch e.Op {
		case token.AND:
			if cl, ok := e.X.(*ast.CompositeLit); ok {
				if t := s.typeText(c, cl.Type); t != "" {
					return "*" + t, false
				}
			}
		case token.SUB, token.ADD, token.XOR:
			t, u := s.exprType(c, e.X)
			if t == "string" || t == "bool" {
				return "", false
			}
			return t, u
		case token.NOT:
			if t, u := s.exprType(c, e.X); t == "bool" {
				return t, u
			}
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR:
			return "bool", false // typed or not, a variable of it is a bool
		case token.SHL, token.SHR:
			return "", false
		}
		xt, xu := s.exprType(c, e.X)
		yt, yu := s.exprType(c, e.Y)
		switch {
		case xt == "" || yt == "", !xu && !numericType[xt] && xt != "string", !yu && !numericType[yt] && yt != "string":
			return "", false
		case !xu && !yu:
			if xt == yt {
				return xt, false
			}
		case !xu:
			if untypedFits(yt, xt) {
				return xt, false
			}
		case !yu:
			if untypedFits(xt, yt) {
				return yt, false
			}
		default:
			if xt == "string" && yt == "string" {
				return "string", true
			}
			if untypedRank[xt] > 0 && untypedRank[yt] > 0 {
				if untypedRank[xt] >= untypedRank[yt] {
					return xt, true
				}
				return yt, true
			}
		}
	case *ast.CallExpr:
		id, ok := e.Fun.(*ast.Ident)
		if !ok || s.declared(c, id.Name) {
			return "", false
		}
		switch {
		case id.Name == "make" && len(e.Args) > 0:
			return s.typeText(c, e.Args[0]), false
		case (id.Name == "len" || id.Name == "cap") && len(e.Args) == 1:
			return "int", false
		case predeclaredType[id.Name] && id.Name != "any" && id.Name != "error" && len(e.Args) == 1:
			return id.Name, false
		}
	}
	return "", false
}

// untypedFits reports whether an untyped constant of kind k may be an
// operand of an operation with a value of the predeclared type t, as
// 1 in x + 1; "" types (not predeclared) are refused.
func untypedFits(k, t string) bool {
	switch k {
	case "string":
		return t == "string"
	case "bool":
		return t == "bool"
	case "int", "rune":
		return numericType[t]
	case "float":
		return strings.HasPrefix(t, "float") || strings.HasPrefix(t, "complex")
	case "complex":
		return strings.HasPrefix(t, "complex")
	}
	return false
}

// numericType names the predeclared numeric types.
var numericType = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true, "rune": true, "byte": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"float32": true, "float64": true, "complex64": true, "complex128": true,
}

// varType returns the type of a variable of the notebook (or one this
// cell declared before with a known type), or "".
func (s *Session) varType(c *cell, name string) string {
	for _, v := range c.vars {
		if v.name == name {
			return v.typ
		}
	}
	for _, n := range c.declNames {
		if n == name {
			return "" // the cell declares it: a const, a func...
		}
	}
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if d := s.st.decls[name]; d != nil && (d.kind == kVar || d.kind == kDefine) && len(d.names) == 1 {
		if predeclaredType[d.vtype] {
			return d.vtype
		}
	}
	return ""
}

// declared reports whether the notebook or the cell declares name (which
// then is not the predeclared one).
func (s *Session) declared(c *cell, name string) bool {
	for _, v := range c.vars {
		if v.name == name {
			return true
		}
	}
	for _, n := range c.declNames {
		if n == name {
			return true
		}
	}
	s.stMu.Lock()
	defer s.stMu.Unlock()
	return s.st.decls[name] != nil
}

// typeText returns the text of a type expression of the statements when
// it means the same at package level: made of predeclared and imported
// names and of the notebook's own types; "" otherwise (and for [...]T).
func (s *Session) typeText(c *cell, t ast.Expr) string {
	if t == nil {
		return ""
	}
	ok := true
	ast.Inspect(t, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ArrayType:
			if el, isEl := n.Len.(*ast.Ellipsis); isEl && el != nil {
				ok = false
			} else if n.Len != nil {
				if _, lit := n.Len.(*ast.BasicLit); !lit {
					ok = false
				}
			}
		case *ast.SelectorExpr:
			if id, isID := n.X.(*ast.Ident); !isID || !s.isImport(id.Name) {
				ok = false
			}
			return false
		case *ast.Ident:
			if !predeclaredType[n.Name] && !s.isNotebookType(n.Name) && !c.declaresType(n.Name) {
				ok = false
			}
		case *ast.IndexExpr, *ast.IndexListExpr, *ast.FuncType, *ast.InterfaceType, *ast.StructType, *ast.Ellipsis:
			ok = false // keep to the common cases; the checker does the rest
		}
		return ok
	})
	if !ok {
		return ""
	}
	return nodeText(c.fset, []byte(c.parsed), 0, t)
}

// predeclaredType names the predeclared types.
var predeclaredType = map[string]bool{
	"bool": true, "byte": true, "complex64": true, "complex128": true, "error": true, "float32": true,
	"float64": true, "int": true, "int8": true, "int16": true, "int32": true, "int64": true, "rune": true,
	"string": true, "uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"uintptr": true, "any": true,
}

// isImport reports whether name is an import of the notebook.
func (s *Session) isImport(name string) bool {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	_, ok := s.st.imports[name]
	return ok && name != "_" && name != "."
}

// isNotebookType reports whether name is a type the notebook declares.
func (s *Session) isNotebookType(name string) bool {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	d := s.st.decls[name]
	return d != nil && d.kind == kType && !strings.Contains(d.text, "[") // not generic
}

// declaresType reports whether the cell's declarations declare type name
// (not generic).
func (c *cell) declaresType(name string) bool {
	if c.declFile == nil {
		return false
	}
	for _, d := range c.declFile.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
			for _, sp := range gd.Specs {
				if ts := sp.(*ast.TypeSpec); ts.Name.Name == name && ts.TypeParams == nil {
					return true
				}
			}
		}
	}
	return false
}

// hiddenImports imports the packages that the types of hoisted variables
// name but the notebook does not import, under names of the session's
// own, so that Source declares those variables too.
func (s *Session) hiddenImports(ctx context.Context, src []byte, imports map[string]string) error {
	for _, spec := range lower.SortedImports(imports) {
		name, _, _ := strings.Cut(spec, " ")
		s.stMu.Lock()
		_, have := s.st.imports[name]
		s.stMu.Unlock()
		if have {
			continue
		}
		if _, err := s.eval(ctx, declPrefix+"import "+spec); err != nil {
			return s.yaegiError(ctx, src, err, nil)
		}
		p, _ := strconv.Unquote(spec[len(name)+1:])
		s.stMu.Lock()
		s.st.imports[name] = p
		s.st.order = append(s.st.order, name)
		s.stMu.Unlock()
	}
	return nil
}

// settleFallbacks writes the declarations of variables declared with
// their initialisers (fallback) with the types their values have, so
// that Source holds no statement.
func (s *Session) settleFallbacks(c *cell) {
	for _, d := range c.declare {
		if d.vtype != "" || len(d.names) != 1 {
			continue
		}
		v, err := s.in.Eval(d.names[0])
		if err != nil || !v.IsValid() {
			continue
		}
		if typ := s.typeExpr(v.Type()); typ != "" {
			s.stMu.Lock()
			d.text = "var " + d.names[0] + " " + typ
			d.vtype = typ
			s.stMu.Unlock()
		}
	}
}

// typeExpr writes t in Go syntax using the notebook's import names, or
// returns "" when it cannot.
func (s *Session) typeExpr(t reflect.Type) string {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name()
		}
		s.stMu.Lock()
		defer s.stMu.Unlock()
		for name, p := range s.st.imports {
			if p == t.PkgPath() {
				return name + "." + t.Name()
			}
		}
		return ""
	}
	elem := func(prefix string, e reflect.Type) string {
		if x := s.typeExpr(e); x != "" {
			return prefix + x
		}
		return ""
	}
	switch t.Kind() {
	case reflect.Slice:
		return elem("[]", t.Elem())
	case reflect.Array:
		return elem("["+strconv.Itoa(t.Len())+"]", t.Elem())
	case reflect.Pointer:
		return elem("*", t.Elem())
	case reflect.Map:
		if k := s.typeExpr(t.Key()); k != "" {
			return elem("map["+k+"]", t.Elem())
		}
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any"
		}
	}
	return ""
}
