package session

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/session/lower"
	"github.com/traefik/yaegi/interp"
)

// evalStmts runs the cell's statements as the body of one function
// literal, called at once: Go statements with Go's scopes, whose defers
// run, and may recover, when the statements end. Their top-level variable
// declarations assign the variables planCell declared; a whole program's
// init functions and main are called after them. When the cell ends in an
// expression, its value becomes the cell's Result.
func (s *Session) evalStmts(ctx context.Context, c *cell) error {
	src, fset, base := c.src, c.fset, c.stmtBase
	var edits []edit
	fallback := map[ast.Stmt]bool{}
	for _, v := range c.vars {
		if v.fallback {
			fallback[v.stmt] = true
		}
	}
	order := initOrder(c)
	for _, st := range c.body.List {
		e := assignEdits(c, st, fallback[st])
		if k, ok := order[st]; ok {
			e = wrapInit(c, st, k, e)
		}
		edits = append(edits, e...)
	}
	for _, o := range c.olds {
		edits = append(edits, oldEdits(c, o.name)...)
	}
	if c.hasMain {
		edits = append(edits, mainUses(c.fset, c.stmtBase, c.body)...)
	}
	edits = append(edits, s.goEdits(fset, base, c.body, "")...)
	var shows [][]edit
	if n := len(c.body.List); c.endsInStmt && !c.callMain && len(c.inits) == 0 && n > 0 {
		if es, ok := c.body.List[n-1].(*ast.ExprStmt); ok {
			start, end := fset.Position(es.Pos()).Offset-base, fset.Position(es.End()).Offset-base
			for _, m := range s.richMethods() {
				shows = append(shows, []edit{{start: start, end: start, text: "{ __glv := ("},
					{start: end, end: end, text: fmt.Sprintf("); __glrt.Rich(%q, __glv.%s(), __glv) }", m.mime, m.name)}})
			}
			shows = append(shows, []edit{{start: start, end: start, text: "__glshow("}, {start: end, end: end, text: ")"}})
		}
	}
	// After the statements, at the top level (as a program's main is called
	// by the runtime, not by a function: yaegi gives goroutines started by
	// a function called from another function the loop variables of the
	// last iteration): a whole program's init functions, then main.
	var tail strings.Builder
	for _, n := range c.inits {
		tail.WriteString(";" + n + "()")
	}
	if c.callMain {
		tail.WriteString(";" + mainName + "()")
	}

	var inits strings.Builder
	if len(order) > 0 {
		// A program's variables in the order Go initialises them.
		calls := make([]string, len(order))
		for _, k := range order {
			calls[k.rank] = fmt.Sprintf("%s%d()", initVarPrefix, k.index)
		}
		inits.WriteString(strings.Join(calls, ";"))
	}

	try := func(edits []edit) error {
		code := []byte(s.processCell(string(applyEdits(c.stmtText, edits))))
		if inits.Len() > 0 {
			code = append(append(code, '\n'), inits.String()...)
		}
		out, err := s.lower(ctx, src, code, "func "+lower.StmtsFunc+"() {", "}", nil)
		if err != nil {
			return err
		}
		// A named function: yaegi clones the whole global frame for a
		// function literal evaluated at the top level, and grows the
		// frame for its value, at every cell.
		forget(s.in, cellFunc)
		if _, err := s.eval(ctx, "package main;func "+cellFunc+"() {\n"+string(out)+"\n}"); err != nil {
			return err
		}
		_, err = s.eval(ctx, cellFunc+"()"+tail.String())
		return err
	}
	var err error
	for _, show := range shows {
		err = try(append(append([]edit{}, edits...), show...))
		if err == nil || !isCompileError(err) {
			break
		}
	}
	if shows == nil || (err != nil && isCompileError(err)) {
		err = try(edits)
	}
	if err != nil {
		if e, ok := err.(*Error); ok {
			return e
		}
		return s.yaegiError(ctx, src, err, func() []error {
			return lower.Check([]byte(s.stmtsHead()+"\n"+string(c.stmtText)+"\n}"), s.context(nil))
		})
	}
	s.settleFallbacks(c)
	return nil
}

// initVarPrefix names the functions that initialise a program's variables
// when Go's order is not the order they are written in (see initOrder).
const initVarPrefix = "__glvar"

// initKey is a variable declaration of a program: its place among the
// declarations (index) and in the order of initialisation (rank).
type initKey struct{ index, rank int }

// initOrder returns, for a whole program (or a cell of declarations only)
// whose package-level variables are not initialised in the order they are
// written (Go initialises a
// variable after those its initialiser refers to, directly or through the
// functions it calls), the place of each var declaration and its rank;
// nil when the order written is Go's.
func initOrder(c *cell) map[ast.Stmt]initKey {
	if !c.pkgVars {
		return nil
	}
	var stmts []*ast.DeclStmt
	for _, st := range c.body.List {
		if ds, ok := st.(*ast.DeclStmt); ok {
			stmts = append(stmts, ds)
		}
	}
	if len(stmts) < 2 {
		return nil
	}
	// What each function of the program refers to, transitively.
	funcRefs := map[string]map[string]bool{}
	if c.declFile != nil {
		for _, d := range c.declFile.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Body != nil {
				funcRefs[fd.Name.Name] = refsOf(fd.Body)
			}
		}
	}
	expand := func(refs map[string]bool) map[string]bool {
		out := map[string]bool{}
		var visit func(string)
		visit = func(n string) {
			if out[n] {
				return
			}
			out[n] = true
			for r := range funcRefs[n] {
				visit(r)
			}
		}
		for r := range refs {
			visit(r)
		}
		return out
	}
	declares := map[string]int{} // variable -> its declaration
	deps := make([]map[string]bool, len(stmts))
	for i, ds := range stmts {
		for _, id := range lower.TopLevelNames(ds) {
			declares[id.Name] = i
		}
		refs := map[string]bool{}
		for _, e := range initialisers(ds) {
			for r := range refsOf(e) {
				refs[r] = true
			}
		}
		deps[i] = expand(refs)
	}
	done := make([]bool, len(stmts))
	out := map[ast.Stmt]initKey{}
	inOrder := true
	for rank := range stmts {
		pick := -1
		for i := range stmts {
			if done[i] {
				continue
			}
			ready := true
			for r := range deps[i] {
				if j, ok := declares[r]; ok && j != i && !done[j] {
					ready = false
					break
				}
			}
			if ready {
				pick = i
				break
			}
		}
		if pick < 0 {
			return nil // a cycle: the type checker reports it
		}
		done[pick] = true
		inOrder = inOrder && pick == rank
		out[stmts[pick]] = initKey{index: pick, rank: rank}
	}
	if inOrder {
		return nil
	}
	return out
}

// wrapInit turns the edits of a program's var declaration (assignEdits)
// into a function that the program calls in Go's order of
// initialisation: "var x = f()" becomes "__glvar3 := func() { x = f() }".
func wrapInit(c *cell, st ast.Stmt, k initKey, edits []edit) []edit {
	name := fmt.Sprintf("%s%d := func() {", initVarPrefix, k.index)
	gd := st.(*ast.DeclStmt).Decl.(*ast.GenDecl)
	off := func(p token.Pos) int { return c.fset.Position(p).Offset - c.stmtBase }
	for i, e := range edits {
		if e.start == off(gd.TokPos) {
			// "var" (or "var (") starts the function instead.
			edits[i].text = name + strings.Repeat(" ", max(0, len(e.text)-len(name)))
			if gd.Lparen.IsValid() {
				edits[i].text = name + "{"
			}
		}
	}
	end := off(st.End())
	return append(edits, edit{start: end, end: end, text: "}"})
}

// assignEdits turns a top-level declaration of the cell's statements into
// an assignment of the variables planCell declared at package level,
// keeping lines:
//
//	a, err := f()      ->  a, err = f()
//	var n int = 5      ->  n = 5
//	var buf []byte     ->  buf = *new([]byte)
//	var (x = 1; y int) ->  {x = 1; y = *new(int)}
//
// A declaration whose variables were declared with their initialisers
// (their type cannot be written) is blanked: it ran with the declarations.
func assignEdits(c *cell, st ast.Stmt, fallback bool) []edit {
	off := func(p token.Pos) int { return c.fset.Position(p).Offset - c.stmtBase }
	text := func(n ast.Node) string { return nodeText(c.fset, []byte(c.parsed), 0, n) }
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok != token.DEFINE {
			return nil
		}
		if fallback {
			return []edit{blankEdit(c, off(st.Pos()), off(st.End()))}
		}
		return []edit{{start: off(st.TokPos), end: off(st.TokPos) + 2, text: "= "}}
	case *ast.DeclStmt:
		gd, ok := st.Decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			return nil
		}
		if fallback {
			return []edit{blankEdit(c, off(st.Pos()), off(st.End()))}
		}
		var edits []edit
		if gd.Lparen.IsValid() {
			edits = append(edits, edit{start: off(gd.TokPos), end: off(gd.Lparen) + 1, text: "{"},
				edit{start: off(gd.Rparen), end: off(gd.Rparen) + 1, text: "}"})
		} else {
			edits = append(edits, edit{start: off(gd.TokPos), end: off(gd.TokPos) + 3, text: "   "})
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			switch {
			case len(vs.Values) > 0 && vs.Type != nil:
				edits = append(edits, blankEdit(c, off(vs.Type.Pos()), off(vs.Type.End())))
			case len(vs.Values) == 0:
				// The zero value, once, then copied: the type's text
				// (with its newlines) appears once.
				typ := text(vs.Type)
				var b strings.Builder
				for i, n := range vs.Names {
					if i > 0 {
						b.WriteString("; ")
					}
					switch {
					case n.Name == "_":
						b.WriteString("_ = 0")
						if i == 0 {
							b.Reset()
							fmt.Fprintf(&b, "_ = *new(%s)", typ)
						}
					case i == 0:
						fmt.Fprintf(&b, "%s = *new(%s)", n.Name, typ)
					default:
						fmt.Fprintf(&b, "%s = %s", n.Name, vs.Names[0].Name)
					}
				}
				edits = append(edits, edit{start: off(vs.Pos()), end: off(vs.End()), text: b.String()})
			}
		}
		return edits
	}
	return nil
}

// oldEdits makes the initialisers of the statement declaring name anew
// read its old value (see oldVar).
func oldEdits(c *cell, name string) []edit {
	var edits []edit
	for _, v := range c.vars {
		if v.name != name {
			continue
		}
		for _, e := range initialisers(v.stmt) {
			ast.Inspect(e, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.SelectorExpr:
					ast.Inspect(n.X, func(m ast.Node) bool {
						if id, ok := m.(*ast.Ident); ok && id.Name == name {
							p := c.fset.Position(id.Pos()).Offset - c.stmtBase
							edits = append(edits, edit{start: p, end: p + len(name), text: oldPrefix + name})
						}
						return true
					})
					return false
				case *ast.Ident:
					if n.Name == name {
						p := c.fset.Position(n.Pos()).Offset - c.stmtBase
						edits = append(edits, edit{start: p, end: p + len(name), text: oldPrefix + name})
					}
				}
				return true
			})
		}
	}
	return edits
}

// blankEdit replaces the cell's statements' bytes [start, end) with
// spaces, keeping newlines.
func blankEdit(c *cell, start, end int) edit {
	b := []byte(string(c.stmtText[start:end]))
	for i := range b {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
	return edit{start: start, end: end, text: string(b)}
}

// mainUses renames every use of the notebook's func main in n (its
// declaration's name included; not field names, x.main or keys): yaegi
// runs a function named main after every evaluation, so the session
// declares it under another name. base is the offset of the source's
// first byte in fset's file.
func mainUses(fset *token.FileSet, base int, n ast.Node) []edit {
	skip := map[*ast.Ident]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			skip[n.Sel] = true
		case *ast.Field:
			for _, id := range n.Names {
				skip[id] = true
			}
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok {
				skip[id] = true
			}
		case *ast.FuncDecl:
			if n.Recv != nil {
				skip[n.Name] = true // a method named main
			}
		}
		return true
	})
	var edits []edit
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == "main" && !skip[id] {
			p := fset.Position(id.Pos()).Offset - base
			edits = append(edits, edit{start: p, end: p + 4, text: mainName})
		}
		return true
	})
	return edits
}

func isCompileError(err error) bool {
	var p interp.Panic
	if errors.As(err, &p) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var e *Error
	return !errors.As(err, &e)
}

// richMethod is a method that turns a value into rich output.
type richMethod struct{ name, mime string }

// (Error and String methods need no call here: the result's text/plain
// knows the types cells declare, see gofmt.go. Calling them here panicked
// on a nil error.)
var richMethodList = []richMethod{
	{"HTML", "text/html"}, {"Markdown", "text/markdown"}, {"SVG", "image/svg+xml"},
	{"PNG", "image/png"}, {"JPEG", "image/jpeg"},
}

// richMethods returns the rich methods some type of the notebook has.
func (s *Session) richMethods() []richMethod {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	var out []richMethod
	for _, m := range richMethodList {
		for name, d := range s.st.decls {
			if d.kind == kMethod && strings.HasSuffix(name, "."+m.name) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}
