package fmtshim

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// Registrations returns the Go statements that tell the registry about the
// types and methods that src, a Go file of package main evaluated in the
// interpreter, declares at its top level; nil when it declares none. The
// statements are to be evaluated after src, in the same interpreter, after
// [Prelude].
//
// A type T becomes
//
//	__glfmt.Type("T", (*T)(nil), "struct{ x, y int }")
//
// and each method fmt, errors and encoding/json look for a function of
// the interpreter that takes the receiver first:
//
//	__glfmt.Method("T", "String", false, func(v T) string { return v.String() })
//
// (results that are errors are returned as any: yaegi does not always make
// a compiled error of an interpreted one). Generic types and their methods
// are left out.
func Registrations(src []byte) []byte {
	if !mayDeclare(src) {
		return nil
	}
	if !bytes.HasPrefix(bytes.TrimSpace(src), []byte("package")) {
		src = append([]byte("package main;"), src...)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if f == nil {
		return nil
	}
	_ = err // declarations before a syntax error are still registered
	tf := fset.File(f.Pos())
	text := func(n ast.Node) string {
		return string(src[tf.Offset(n.Pos()):tf.Offset(n.End())])
	}
	var b strings.Builder
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, sp := range d.Specs {
				ts := sp.(*ast.TypeSpec)
				if ts.Assign.IsValid() || ts.TypeParams != nil || ts.Name.Name == "_" {
					continue
				}
				fmt.Fprintf(&b, "%s.Type(%q, (*%s)(nil), %s)\n", Name, ts.Name.Name, ts.Name.Name, strconv.Quote(text(ts.Type)))
			}
		case *ast.FuncDecl:
			if m := methodRegistration(d, text); m != "" {
				b.WriteString(m)
			}
		}
	}
	if b.Len() == 0 {
		return nil
	}
	return []byte(b.String())
}

// mayDeclare reports, cheaply, whether src may declare a type or a method.
func mayDeclare(src []byte) bool {
	s := string(src)
	return strings.Contains(s, "type") || strings.Contains(s, "func (") || strings.Contains(s, "func(")
}

// methodRegistration returns the registration of the method d when fmt,
// errors or encoding/json look for it and its signature is theirs.
func methodRegistration(d *ast.FuncDecl, text func(ast.Node) string) string {
	if d.Recv == nil || len(d.Recv.List) != 1 || d.Body == nil {
		return ""
	}
	recv := d.Recv.List[0].Type
	ptr := false
	base := recv
	if st, ok := recv.(*ast.StarExpr); ok {
		ptr, base = true, st.X
	}
	id, ok := base.(*ast.Ident)
	if !ok {
		return "" // generic receiver
	}
	params := fieldTypes(d.Type.Params, text)
	results := fieldTypes(d.Type.Results, text)
	name := d.Name.Name
	var fn string
	switch {
	case (name == "String" || name == "Error" || name == "GoString") && len(params) == 0 && len(results) == 1 && results[0] == "string":
		fn = fmt.Sprintf("func(v %s) string { return v.%s() }", text(recv), name)
	case name == "Format" && len(params) == 2 && len(results) == 0:
		fn = fmt.Sprintf("func(v %s, f %s, c %s) { v.Format(f, c) }", text(recv), params[0], params[1])
	case name == "Unwrap" && len(params) == 0 && len(results) == 1 && (results[0] == "error" || results[0] == "[]error"):
		if results[0] == "[]error" {
			name = "Unwrap[]"
		}
		fn = fmt.Sprintf("func(v %s) any { return v.Unwrap() }", text(recv))
	case name == "Is" && len(params) == 1 && len(results) == 1 && results[0] == "bool":
		fn = fmt.Sprintf("func(v %s, t %s) bool { return v.Is(t) }", text(recv), params[0])
	case name == "As" && len(params) == 1 && len(results) == 1 && results[0] == "bool":
		fn = fmt.Sprintf("func(v %s, t %s) bool { return v.As(t) }", text(recv), params[0])
	default:
		return ""
	}
	return fmt.Sprintf("%s.Method(%q, %q, %t, %s)\n", Name, id.Name, name, ptr, fn)
}

// fieldTypes returns the type of each parameter or result of a list.
func fieldTypes(l *ast.FieldList, text func(ast.Node) string) []string {
	if l == nil {
		return nil
	}
	var out []string
	for _, f := range l.List {
		n := len(f.Names)
		if n == 0 {
			n = 1
		}
		for range n {
			out = append(out, text(f.Type))
		}
	}
	return out
}

// Register evaluates in the interpreter in the registrations of what src
// declares (see [Registrations]). A registration that does not compile
// (a method whose receiver type is declared inside a function) is left
// out; the others are kept.
func Register(in *interp.Interpreter, src []byte) {
	regs := Registrations(src)
	if regs == nil {
		return
	}
	if _, err := in.Eval(string(regs)); err == nil {
		return
	}
	for _, line := range strings.Split(strings.TrimSuffix(string(regs), "\n"), "\n") {
		in.Eval(line)
	}
}
