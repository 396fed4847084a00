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

// Registrations returns the Go declaration that tells the registry about
// the types and methods that src, a Go file of package main evaluated in
// the interpreter, declares at its top level; nil when it declares none. It
// is to be evaluated after src, in the same interpreter, after [Prelude]:
//
//	var _ = __glfmt.Register([]any{
//		"point", (*point)(nil), "struct{ x, y int }",
//	}, []any{
//		"point", "String", false, func(__glr point) string { return __glr.String() },
//	})
//
// Types come as their name, a nil pointer to them and their underlying type
// as written; methods that fmt and errors look for as the receiver's type
// name, the method's name, whether the receiver is a pointer, and a function
// of the interpreter taking the receiver first (results that are errors are
// returned as any: yaegi does not always make a compiled error of an
// interpreted one). Generic types and their methods are left out. One
// declaration costs yaegi far less than one per type.
func Registrations(src []byte) []byte {
	types, methods := registrations(src)
	if len(types) == 0 && len(methods) == 0 {
		return nil
	}
	return register(types, methods)
}

// register writes one Register declaration.
func register(types, methods []string) []byte {
	var b strings.Builder
	b.WriteString("var _ = " + Name + ".Register([]any{")
	for _, t := range types {
		b.WriteString("\n\t" + t + ",")
	}
	b.WriteString("\n}, []any{")
	for _, m := range methods {
		b.WriteString("\n\t" + m + ",")
	}
	b.WriteString("\n})\n")
	return []byte(b.String())
}

// registrations returns the Register arguments of the types and methods src
// declares, one string for each.
func registrations(src []byte) (types, methods []string) {
	if !mayDeclare(src) {
		return nil, nil
	}
	if !bytes.HasPrefix(bytes.TrimSpace(src), []byte("package")) {
		src = append([]byte("package main;"), src...)
	}
	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if f == nil {
		return nil, nil // declarations before a syntax error are still registered
	}
	tf := fset.File(f.Pos())
	text := func(n ast.Node) string {
		return string(src[tf.Offset(n.Pos()):tf.Offset(n.End())])
	}
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
				types = append(types, fmt.Sprintf("%q, (*%s)(nil), %s", ts.Name.Name, ts.Name.Name, strconv.Quote(text(ts.Type))))
			}
		case *ast.FuncDecl:
			if m := methodRegistration(d, text); m != "" {
				methods = append(methods, m)
			}
		}
	}
	return types, methods
}

// mayDeclare reports, cheaply, whether src may declare a type or a method
// (a method's receiver may follow func after any white space).
func mayDeclare(src []byte) bool {
	return bytes.Contains(src, []byte("type")) || bytes.Contains(src, []byte("func ("))
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
		fn = fmt.Sprintf("func(__glr %s) string { return __glr.%s() }", text(recv), name)
	case name == "Format" && len(params) == 2 && len(results) == 0:
		fn = fmt.Sprintf("func(__glr %s, __gla %s, __glb %s) { __glr.Format(__gla, __glb) }", text(recv), params[0], params[1])
	case name == "Unwrap" && len(params) == 0 && len(results) == 1 && (results[0] == "error" || results[0] == "[]error"):
		if results[0] == "[]error" {
			name = "Unwrap[]"
		}
		fn = fmt.Sprintf("func(__glr %s) any { return __glr.Unwrap() }", text(recv))
	case (name == "MarshalJSON" || name == "MarshalText") && len(params) == 0 && len(results) == 2 && results[0] == "[]byte" && results[1] == "error":
		fn = fmt.Sprintf("func(__glr %s) ([]byte, any) { __gla, __glb := __glr.%s(); return __gla, __glb }", text(recv), name)
	case name == "Is" && len(params) == 1 && len(results) == 1 && results[0] == "bool":
		fn = fmt.Sprintf("func(__glr %s, __gla %s) bool { return __glr.Is(__gla) }", text(recv), params[0])
	case name == "As" && len(params) == 1 && len(results) == 1 && results[0] == "bool":
		fn = fmt.Sprintf("func(__glr %s, __gla %s) bool { return __glr.As(__gla) }", text(recv), params[0])
	default:
		return ""
	}
	return fmt.Sprintf("%q, %q, %t, %s", id.Name, name, ptr, fn)
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
// declares (see [Registrations]). When they do not compile as a whole (a
// method whose receiver type is declared inside a function), each type and
// each method is registered on its own, and those that compile are kept.
func Register(in *interp.Interpreter, src []byte) {
	types, methods := registrations(src)
	if len(types) == 0 && len(methods) == 0 {
		return
	}
	if _, err := in.Eval(string(register(types, methods))); err == nil {
		return
	}
	for _, t := range types {
		in.Eval(string(register([]string{t}, nil)))
	}
	for _, m := range methods {
		in.Eval(string(register(nil, []string{m})))
	}
}
