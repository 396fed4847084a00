package complete

import (
	"go/ast"
	"go/token"
	"reflect"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/internal/astx"
)

// A Match is one completion with what it names, for the frontend to show
// beside it (JupyterLab's completer shows Type as an icon and Signature as
// detail, from the reply's metadata._jupyter_types_experimental, as for
// ipykernel's matches).
type Match struct {
	// Text replaces the range of code the completion covers.
	Text string
	// Type is what Text names, in the words ipykernel uses: "module" (a
	// package or an import path), "class" (a type), "function" (a function
	// or method), "instance" (a variable or constant), "property" (a
	// struct field) or "keyword".
	Type string
	// Signature is the first line of its declaration ("func HasPrefix(s,
	// prefix string) bool", "type Builder struct") or, for a variable, its
	// type ("int"); "" when unknown.
	Signature string
}

// The types of matches.
const (
	TypeModule   = "module"
	TypeClass    = "class"
	TypeFunction = "function"
	TypeInstance = "instance"
	TypeProperty = "property"
	TypeKeyword  = "keyword"
)

// texts returns the texts of matches.
func texts(ms []Match) []string {
	if ms == nil {
		return nil
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	return out
}

// firstLine returns the first line of a declaration, without a trailing
// "{" (a struct or interface body follows) or line comment.
func firstLine(decl string) string {
	line, _, _ := strings.Cut(decl, "\n")
	line, _, _ = strings.Cut(line, " // ")
	line = strings.TrimSuffix(strings.TrimSpace(line), "{")
	return strings.TrimSpace(line)
}

// declLine returns the line of a declaration that declares name: the first
// line, or in a grouped declaration ("const (") the line of name with the
// keyword before it ("const Pi = 3.14159...").
func declLine(decl, name string) string {
	line := firstLine(decl)
	kw, rest, _ := strings.Cut(line, " ")
	if strings.TrimSpace(rest) != "(" {
		return line
	}
	for _, l := range strings.Split(decl, "\n")[1:] {
		l = strings.TrimSpace(l)
		if l == name || strings.HasPrefix(l, name+" ") || strings.HasPrefix(l, name+",") || strings.HasPrefix(l, name+"=") {
			l, _, _ = strings.Cut(l, " // ")
			return kw + " " + strings.Join(strings.Fields(l), " ")
		}
	}
	return kw + " " + name
}

// kindOfSymbol returns the match type of a symbol of a compiled package.
func kindOfSymbol(v reflect.Value) string {
	switch {
	case !v.IsValid():
		return ""
	case v.Kind() == reflect.Func:
		return TypeFunction
	case isTypeSymbol(v):
		return TypeClass
	}
	return TypeInstance
}

// packageMember returns the match for member name of the package
// importPath.
func packageMember(importPath, name string) Match {
	m := Match{Text: name}
	v := symbol(importPath, name)
	m.Type = kindOfSymbol(v)
	if d := docsOf(importPath); d != nil && d[name] != "" {
		m.Signature = declLine(d[name], name)
		if m.Type == "" {
			m.Type = declKind(m.Signature)
		}
		return m
	}
	if v.IsValid() {
		m.Signature = firstLine(signature(name, v))
	}
	return m
}

// declKind returns the match type of a declaration from its first line.
func declKind(line string) string {
	switch {
	case strings.HasPrefix(line, "func "):
		return TypeFunction
	case strings.HasPrefix(line, "type "):
		return TypeClass
	case strings.HasPrefix(line, "var "), strings.HasPrefix(line, "const "):
		return TypeInstance
	}
	return ""
}

// member returns the match for the field or method name of a value of type
// t.
func (sc *scope) member(t valueType, name string) Match {
	m := Match{Text: name}
	if t.local != "" {
		if _, ok := sc.funcs[t.local+"."+name]; ok {
			m.Type = TypeFunction
			m.Signature = firstLine(sc.decls[t.local+"."+name])
			return m
		}
		m.Type = TypeProperty
		if ts, ok := sc.types[t.local]; ok {
			if st, ok := ts.Type.(*ast.StructType); ok {
				for _, f := range st.Fields.List {
					for _, n := range f.Names {
						if n.Name == name {
							m.Signature = renderExpr(f.Type)
						}
					}
					if len(f.Names) == 0 && astx.RecvName(f.Type) == name {
						m.Signature = renderExpr(f.Type)
					}
				}
			}
		}
		return m
	}
	base := t.rt
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if meth, ok := methodSet(t.rt).MethodByName(name); ok {
		m.Type = TypeFunction
		if base.PkgPath() != "" && base.Name() != "" {
			if d := docsOf(base.PkgPath()); d != nil && d[base.Name()+"."+name] != "" {
				m.Signature = firstLine(d[base.Name()+"."+name])
				return m
			}
		}
		// No documentation (a promoted method): the method's type; the
		// receiver is the first parameter of meth.Type unless t is an
		// interface.
		sig := meth.Type.String()
		if t.rt.Kind() != reflect.Interface {
			in := make([]string, 0, meth.Type.NumIn())
			for i := 1; i < meth.Type.NumIn(); i++ {
				in = append(in, meth.Type.In(i).String())
			}
			out := make([]string, 0, meth.Type.NumOut())
			for i := 0; i < meth.Type.NumOut(); i++ {
				out = append(out, meth.Type.Out(i).String())
			}
			sig = "func(" + strings.Join(in, ", ") + ")"
			switch len(out) {
			case 0:
			case 1:
				sig += " " + out[0]
			default:
				sig += " (" + strings.Join(out, ", ") + ")"
			}
		}
		m.Signature = "func (" + t.rt.String() + ") " + name + strings.TrimPrefix(sig, "func")
		return m
	}
	m.Type = TypeProperty
	if base.Kind() == reflect.Struct {
		if f, ok := base.FieldByName(name); ok {
			m.Signature = f.Type.String()
		}
	}
	return m
}

// name returns the match for a name without a qualifier: declared in the
// notebook or the cell, an imported package, a keyword or a predeclared
// identifier, in that order of precedence.
func (sc *scope) name(n string) Match {
	m := Match{Text: n}
	if decl, ok := sc.decls[n]; ok {
		line := declLine(decl, n)
		m.Type = declKind(line)
		if _, isVar := sc.vars[n]; isVar || m.Type == "" {
			m.Type = TypeInstance
			m.Signature = sc.varTypeText(n)
			return m
		}
		m.Signature = line
		return m
	}
	if p, ok := sc.imports[n]; ok {
		return Match{Text: n, Type: TypeModule, Signature: `import "` + p + `"`}
	}
	for _, k := range keywords {
		if k == n {
			return Match{Text: n, Type: TypeKeyword}
		}
	}
	if d := docsOf("builtin"); d != nil && d[n] != "" {
		line := declLine(d[n], n)
		m.Type = declKind(line)
		m.Signature = line
		if strings.HasPrefix(line, "type ") && strings.Contains(line, " = ") {
			m.Signature = "type " + n // byte, rune: aliases
		}
	}
	if m.Type == "" {
		switch n {
		case "true", "false", "iota", "nil":
			m.Type = TypeInstance
		default:
			m.Type = TypeClass
		}
	}
	return m
}

// varTypeText returns the type of the variable n as Go source, or "".
func (sc *scope) varTypeText(n string) string {
	v, ok := sc.vars[n]
	if !ok {
		return ""
	}
	if v.typ != nil {
		return renderExpr(v.typ)
	}
	switch e := v.init.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return "int"
		case token.FLOAT:
			return "float64"
		case token.IMAG:
			return "complex128"
		case token.CHAR:
			return "rune"
		case token.STRING:
			return "string"
		}
	case *ast.CompositeLit:
		if e.Type != nil {
			return renderExpr(e.Type)
		}
	}
	if t, ok := sc.varType(n, 0); ok {
		if t.rt != nil {
			return t.rt.String()
		}
		return t.local
	}
	return ""
}

// renderExpr prints a type expression as source.
func renderExpr(e ast.Expr) string {
	return strings.TrimSpace(render(token.NewFileSet(), e))
}
