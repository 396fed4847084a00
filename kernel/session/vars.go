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
