package session

import (
	"go/ast"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// Types of notebook variables: what a hoisted variable's declaration
// writes as its type, from the syntax alone when it tells (literalType),
// from go/types (exprType, varType), or from the value the interpreter
// holds (typeExpr).

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
