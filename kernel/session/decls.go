package session

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/internal/astx"
	"github.com/gopherlab/gopherlab/kernel/session/lower"
)

// evalDecls evaluates all the declarations of a cell in one evaluation,
// with the variables planCell hoisted from its statements (on the first
// line, before the cell's own lines). A func main is renamed so that yaegi
// does not run it after every later evaluation (yaegi calls main after
// each Eval once it exists): the cell's statements call it when it should
// run. init functions are renamed too, and not kept: they run once, with
// their cell, as Go runs them once.
func (s *Session) evalDecls(ctx context.Context, c *cell) error {
	src := c.src
	body := blankExcept(src, c.decls)
	base := len(declPrefix)
	var edits []edit
	var decls []*decl
	names := map[string]bool{}
	cell := s.cellNumber()
	if f := c.declFile; f != nil {
		fset := c.declFset
		add := func(d *decl, n ast.Node) {
			d.line = fset.Position(n.Pos()).Line - 1
			d.cell = cell
			d.refs = refsOf(n)
			decls = append(decls, d)
			for _, nm := range d.names {
				names[nm] = true
			}
		}
		inits := 0
		for _, dl := range f.Decls {
			if c.hasMain {
				edits = append(edits, mainUses(fset, base, dl)...)
			}
			switch dl := dl.(type) {
			case *ast.FuncDecl:
				d := &decl{kind: kFunc, names: []string{dl.Name.Name}}
				if dl.Recv != nil && len(dl.Recv.List) == 1 {
					d.kind = kMethod
					d.recv = astx.RecvName(dl.Recv.List[0].Type)
					d.names = []string{d.recv + "." + dl.Name.Name}
				} else if dl.Name.Name == "init" {
					edits = append(edits, edit{start: fset.Position(dl.Name.Pos()).Offset - base, end: fset.Position(dl.Name.End()).Offset - base, text: c.inits[inits]})
					inits++
					edits = append(edits, s.goEdits(fset, base, dl, "func init")...)
					continue
				}
				d.text = string(src[fset.Position(dl.Pos()).Offset-base : fset.Position(dl.End()).Offset-base])
				d.doc = docComment(dl.Doc)
				add(d, dl)
				edits = append(edits, s.goEdits(fset, base, dl, "func "+dl.Name.Name)...)
			case *ast.GenDecl:
				kind := map[token.Token]declKind{token.TYPE: kType, token.CONST: kConst, token.VAR: kVar}[dl.Tok]
				whole := string(src[fset.Position(dl.Pos()).Offset-base : fset.Position(dl.End()).Offset-base])
				if dl.Tok == token.CONST && dl.Lparen.IsValid() && implicitConsts(dl) {
					d := &decl{kind: kind, text: whole, doc: docComment(dl.Doc)}
					for _, sp := range dl.Specs {
						d.names = append(d.names, specNames(sp)...)
					}
					add(d, dl)
					continue
				}
				for _, sp := range dl.Specs {
					d := &decl{kind: kind, names: specNames(sp)}
					d.text = dl.Tok.String() + " " + string(src[fset.Position(sp.Pos()).Offset-base:fset.Position(sp.End()).Offset-base])
					d.doc = docComment(specDoc(sp))
					if d.doc == "" {
						d.doc = docComment(dl.Doc) // the group's comment, as go doc shows it for each name
					}
					add(d, sp)
					edits = append(edits, s.goEdits(fset, base, sp, "")...)
				}
			}
		}
	}
	// The hoisted variables, on the first line.
	var hoisted strings.Builder
	for _, d := range c.declare {
		decls = append(decls, d)
		for _, nm := range d.names {
			names[nm] = true
		}
		hoisted.WriteString(d.text)
		hoisted.WriteString(";")
	}

	// Redefinitions: forget the old symbols; a method added to an existing
	// type needs the type rebuilt with all its methods.
	s.stMu.Lock()
	redefined := map[string]bool{}
	var pre []*decl
	inCell := map[*decl]bool{}
	for _, d := range decls {
		for _, n := range d.names {
			if s.st.decls[n] != nil {
				redefined[n] = true
			}
		}
	}
	for _, d := range decls {
		if d.kind != kMethod || names[d.recv] {
			continue
		}
		if t := s.st.decls[d.recv]; t != nil && t.kind == kType && redefined[d.names[0]] {
			pre = append(pre, t)
			inCell[t] = true
			redefined[d.recv] = true
		}
	}
	for n := range names {
		if old := s.st.decls[n]; old != nil {
			inCell[old] = true
		}
	}
	var deps []*decl
	if len(redefined) > 0 {
		deps = s.st.dependents(redefined, inCell)
	}
	s.stMu.Unlock()

	toForget := []string{}
	for n := range redefined {
		if !strings.Contains(n, ".") {
			toForget = append(toForget, n)
		}
	}
	for _, d := range deps {
		if d.kind != kMethod {
			toForget = append(toForget, d.names...)
		}
	}
	for n := range names {
		if !strings.Contains(n, ".") && hasSym(s.in, n) {
			toForget = append(toForget, n)
		}
	}
	declareOld := s.keepOld(ctx, c)
	forget(s.in, toForget...)
	for _, d := range pre {
		if err := s.evalStored(ctx, d); err != nil {
			s.note(fmt.Sprintf("note: could not rebuild type %s: %s\n", d.names[0], shiftPos(err)))
		}
	}

	code := []byte(s.processCell(string(applyEdits(body, edits))))
	out, err := s.lower(ctx, src, code, hoisted.String(), "", names)
	if err != nil {
		return err
	}
	if _, err := s.eval(ctx, declPrefix[:len(declPrefix)-1]+hoisted.String()+"\n"+string(out)); err != nil {
		return s.yaegiError(ctx, src, err, func() []error {
			return lower.Check([]byte(declPrefix[:len(declPrefix)-1]+s.importLine()+hoisted.String()+"\n"+string(body)), s.context(names))
		})
	}
	s.registerTypes(out)
	declareOld()
	s.stMu.Lock()
	for _, d := range decls {
		s.st.put(d)
	}
	s.stMu.Unlock()
	for _, d := range deps {
		if err := s.evalStored(ctx, d); err != nil {
			s.note(fmt.Sprintf("note: %s, declared in an earlier cell, uses what this cell changed and no longer compiles: %s\n(it keeps its old version; run its cell again after fixing it)\n", strings.Join(d.names, ", "), shiftPos(err)))
		}
	}
	return nil
}

// evalStored evaluates a declaration kept from an earlier cell again.
func (s *Session) evalStored(ctx context.Context, d *decl) error {
	code := declPrefix + strings.Repeat("\n", max(d.line-1, 0)) + d.text
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", code, 0)
	if err != nil {
		return err
	}
	var edits []edit
	for _, dl := range f.Decls {
		where := ""
		if fd, ok := dl.(*ast.FuncDecl); ok {
			where = "func " + fd.Name.Name
		}
		if d.refs["main"] {
			edits = append(edits, mainUses(fset, len(declPrefix), dl)...)
		}
		edits = append(edits, s.goEdits(fset, len(declPrefix), dl, where)...)
	}
	code = declPrefix + string(applyEdits([]byte(code[len(declPrefix):]), edits))
	if _, err := s.eval(ctx, code); err != nil {
		return err
	}
	s.registerTypes([]byte(code))
	return nil
}

// withLineComments returns a copy of body (src with everything outside
// a group blanked) holding again the complete comments of src that start
// a line, so that a parse of it sees the doc comments of the group's
// declarations at their places. A comment after code on its line is left
// blank: it belongs to that code, not to the next declaration.
func withLineComments(src, body []byte) []byte {
	out := append([]byte{}, body...)
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var sc scanner.Scanner
	sc.Init(file, src, func(token.Position, string) {}, scanner.ScanComments)
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			return out
		}
		if tok != token.COMMENT {
			continue
		}
		off := file.Offset(pos)
		if line := bytes.LastIndexByte(src[:off], '\n') + 1; len(bytes.TrimSpace(src[line:off])) > 0 {
			continue
		}
		// The comment's bytes in src (its literal drops carriage returns).
		end := -1
		if strings.HasPrefix(lit, "//") {
			if end = bytes.IndexByte(src[off:], '\n'); end < 0 {
				end = len(src) - off
			}
		} else if end = bytes.Index(src[off+2:], []byte("*/")); end >= 0 {
			end += 4
		}
		if end < 0 {
			continue // not terminated: left blank, as before
		}
		copy(out[off:off+end], src[off:off+end])
	}
}

// docComment returns a doc comment as written, one comment per line, or
// "" for none.
func docComment(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	lines := make([]string, len(g.List))
	for i, c := range g.List {
		lines[i] = c.Text
	}
	return strings.Join(lines, "\n")
}

// specDoc returns the doc comment of a spec in a group.
func specDoc(sp ast.Spec) *ast.CommentGroup {
	switch sp := sp.(type) {
	case *ast.TypeSpec:
		return sp.Doc
	case *ast.ValueSpec:
		return sp.Doc
	}
	return nil
}

func specNames(sp ast.Spec) []string {
	var out []string
	switch sp := sp.(type) {
	case *ast.TypeSpec:
		out = append(out, sp.Name.Name)
	case *ast.ValueSpec:
		for _, n := range sp.Names {
			if n.Name != "_" {
				out = append(out, n.Name)
			}
		}
	}
	return out
}

// implicitConsts reports whether a const group relies on iota or implicit
// repetition, so that it cannot be split into separate declarations.
func implicitConsts(dl *ast.GenDecl) bool {
	for _, sp := range dl.Specs {
		vs := sp.(*ast.ValueSpec)
		if len(vs.Values) == 0 {
			return true
		}
		for _, v := range vs.Values {
			if refsOf(v)["iota"] {
				return true
			}
		}
	}
	return false
}
