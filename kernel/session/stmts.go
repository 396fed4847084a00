package session

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/session/lower"
	"github.com/traefik/yaegi/interp"
)

// evalStmts runs a group of statements. When last is set and the group
// ends in an expression, its value becomes the cell's Result.
func (s *Session) evalStmts(ctx context.Context, src []byte, segs []segment, last bool, where string) error {
	body := blankExcept(src, segs)
	const stmtPrefix = "package main;func _() {\n"
	text := stmtPrefix + string(body) + "\n}"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", text, 0)
	if err != nil {
		return s.compileError(src, err, nil)
	}
	base := len(stmtPrefix)
	fn := f.Decls[0].(*ast.FuncDecl)
	edits := s.goEdits(fset, base, fn.Body, where)
	var shows [][]edit
	if n := len(fn.Body.List); last && n > 0 {
		if es, ok := fn.Body.List[n-1].(*ast.ExprStmt); ok {
			start, end := fset.Position(es.Pos()).Offset-base, fset.Position(es.End()).Offset-base
			for _, m := range s.richMethods() {
				shows = append(shows, []edit{{start: start, end: start, text: "{ __glv := ("},
					{start: end, end: end, text: fmt.Sprintf("); __glrt.Rich(%q, __glv.%s(), __glv) }", m.mime, m.name)}})
			}
			shows = append(shows, []edit{{start: start, end: start, text: "__glshow("}, {start: end, end: end, text: ")"}})
		}
	}
	defines := definesOf(fset, []byte(text), base, fn.Body.List)
	names := map[string]bool{}
	for _, d := range defines {
		for _, n := range d.names {
			names[n] = true
		}
	}

	try := func(edits []edit) error {
		code := applyEdits(body, edits)
		out, err := s.lower(ctx, src, code, "func __cell() {", names)
		if err != nil {
			return err
		}
		_, err = s.eval(ctx, "\n"+string(out))
		return err
	}
	err = nil
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
			return lower.Check([]byte("package main;"+s.importLine()+"func __cell() {\n"+string(body)+"\n}"), s.context(names))
		})
	}
	if len(defines) > 0 {
		s.recordDefines(defines)
	}
	return nil
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

var richMethodList = []richMethod{
	{"HTML", "text/html"}, {"Markdown", "text/markdown"}, {"SVG", "image/svg+xml"},
	{"PNG", "image/png"}, {"JPEG", "image/jpeg"}, {"Error", "text/plain"}, {"String", "text/plain"},
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

// definesOf returns the top-level x := ... statements as var declarations.
func definesOf(fset *token.FileSet, text []byte, base int, list []ast.Stmt) []*decl {
	var out []*decl
	for _, st := range list {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE {
			continue
		}
		d := &decl{kind: kDefine, line: fset.Position(as.Pos()).Line - 1, refs: refsOf(as)}
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
				d.names = append(d.names, id.Name)
			}
		}
		if len(d.names) == 0 {
			continue
		}
		if len(as.Lhs) == len(as.Rhs) {
			// One declaration per name, each with its own initialiser.
			for i, l := range as.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				out = append(out, &decl{kind: kDefine, names: []string{id.Name}, line: d.line, refs: refsOf(as.Rhs[i]),
					text: "var " + id.Name + " = " + nodeText(fset, text, 0, as.Rhs[i]), recv: typeHint(fset, text, as.Rhs[i])})
			}
			continue
		}
		lhs := make([]string, len(as.Lhs))
		for i, l := range as.Lhs {
			lhs[i] = nodeText(fset, text, 0, l)
		}
		rhs := make([]string, len(as.Rhs))
		for i, r := range as.Rhs {
			rhs[i] = nodeText(fset, text, 0, r)
		}
		d.text = "var " + strings.Join(lhs, ", ") + " = " + strings.Join(rhs, ", ")
		out = append(out, d)
	}
	return out
}

// typeHint returns the type an initialiser names itself (T{...}, &T{...},
// []int{...}), or "".
func typeHint(fset *token.FileSet, text []byte, e ast.Expr) string {
	switch e := e.(type) {
	case *ast.CompositeLit:
		if e.Type != nil {
			return nodeText(fset, text, 0, e.Type)
		}
	case *ast.UnaryExpr:
		if cl, ok := e.X.(*ast.CompositeLit); ok && e.Op == token.AND && cl.Type != nil {
			return "*" + nodeText(fset, text, 0, cl.Type)
		}
	}
	return ""
}

// recordDefines keeps the variables a cell defined with := so that Source
// declares them, with their type when it can be written.
func (s *Session) recordDefines(defines []*decl) {
	cell := s.cellNumber()
	for _, d := range defines {
		d.cell = cell
		if len(d.names) == 1 {
			typ := d.recv
			d.recv = ""
			if typ == "" {
				if v, err := s.in.Eval(d.names[0]); err == nil && v.IsValid() {
					typ = s.typeExpr(v.Type())
				}
			}
			if typ != "" {
				d.text = "var " + d.names[0] + " " + typ
			}
		}
	}
	s.stMu.Lock()
	for _, d := range defines {
		s.st.put(d)
	}
	s.stMu.Unlock()
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
