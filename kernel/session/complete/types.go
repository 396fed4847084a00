package complete

import (
	"go/ast"
	"go/token"
	"reflect"
	"sort"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/internal/astx"
	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
)

// valueType is the type of a notebook variable as far as completion can
// tell from declarations alone: a compiled type from the interpreter's
// symbol tables (the standard library, runtime/mp, kernel/display) or a
// type the notebook declares.
type valueType struct {
	rt    reflect.Type // compiled type, or nil
	local string       // else the name of a notebook type
}

// symbol returns the interpreter's binding of name in the package path.
func symbol(importPath, name string) reflect.Value {
	key := importPath + "/" + defaultName(importPath)
	if v, ok := stdlib.Package(key)[name]; ok {
		return v
	}
	if v, ok := symbols.Symbols[key][name]; ok {
		return v
	}
	return reflect.Value{}
}

// isTypeSymbol reports whether a binding is a type: yaegi binds types as
// nil pointers to them.
func isTypeSymbol(v reflect.Value) bool {
	return v.IsValid() && v.Kind() == reflect.Pointer && v.IsNil()
}

const maxDepth = 8

// varType returns the type of the variable name.
func (sc *scope) varType(name string, depth int) (valueType, bool) {
	v, ok := sc.vars[name]
	if !ok || depth > maxDepth {
		return valueType{}, false
	}
	if v.typ != nil {
		return sc.typeExpr(v.typ)
	}
	if v.init != nil {
		return sc.exprType(v.init, depth+1)
	}
	return valueType{}, false
}

// typeExpr resolves a type written in the source.
func (sc *scope) typeExpr(e ast.Expr) (valueType, bool) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return sc.typeExpr(e.X)
	case *ast.StarExpr:
		t, ok := sc.typeExpr(e.X)
		if ok && t.rt != nil {
			t.rt = reflect.PointerTo(t.rt)
		}
		return t, ok
	case *ast.Ident:
		if _, ok := sc.types[e.Name]; ok {
			return valueType{local: e.Name}, true
		}
	case *ast.SelectorExpr:
		if pkg, ok := e.X.(*ast.Ident); ok {
			if p, ok := sc.packagePath(pkg.Name); ok {
				if v := symbol(p, e.Sel.Name); isTypeSymbol(v) {
					return valueType{rt: v.Type().Elem()}, true
				}
			}
		}
	}
	return valueType{}, false
}

// exprType resolves the type of an expression.
func (sc *scope) exprType(e ast.Expr, depth int) (valueType, bool) {
	if depth > maxDepth {
		return valueType{}, false
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return sc.exprType(e.X, depth+1)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			t, ok := sc.exprType(e.X, depth+1)
			if ok && t.rt != nil {
				t.rt = reflect.PointerTo(t.rt)
			}
			return t, ok
		}
	case *ast.CompositeLit:
		if e.Type != nil {
			return sc.typeExpr(e.Type)
		}
	case *ast.Ident:
		return sc.varType(e.Name, depth+1)
	case *ast.SelectorExpr:
		if pkg, ok := e.X.(*ast.Ident); ok {
			if p, ok := sc.packagePath(pkg.Name); ok {
				// A package variable, bound as a pointer to it.
				if v := symbol(p, e.Sel.Name); v.IsValid() && v.Kind() == reflect.Pointer && !v.IsNil() {
					return valueType{rt: v.Type().Elem()}, true
				}
				return valueType{}, false
			}
		}
		// A field of a compiled struct.
		if t, ok := sc.exprType(e.X, depth+1); ok && t.rt != nil {
			base := t.rt
			if base.Kind() == reflect.Pointer {
				base = base.Elem()
			}
			if base.Kind() == reflect.Struct {
				if f, ok := base.FieldByName(e.Sel.Name); ok {
					return valueType{rt: f.Type}, true
				}
			}
		}
	case *ast.CallExpr:
		return sc.callType(e, depth)
	}
	return valueType{}, false
}

// callType resolves the type of the first result of a call or of a
// conversion.
func (sc *scope) callType(call *ast.CallExpr, depth int) (valueType, bool) {
	switch fun := call.Fun.(type) {
	case *ast.Ident:
		if fun.Name == "new" && len(call.Args) == 1 {
			t, ok := sc.typeExpr(call.Args[0])
			if ok && t.rt != nil {
				t.rt = reflect.PointerTo(t.rt)
			}
			return t, ok
		}
		if _, ok := sc.types[fun.Name]; ok {
			return valueType{local: fun.Name}, true
		}
		if ft, ok := sc.funcs[fun.Name]; ok {
			return sc.firstResult(ft)
		}
	case *ast.SelectorExpr:
		if pkg, ok := fun.X.(*ast.Ident); ok {
			if p, ok := sc.packagePath(pkg.Name); ok {
				v := symbol(p, fun.Sel.Name)
				switch {
				case isTypeSymbol(v):
					return valueType{rt: v.Type().Elem()}, true
				case v.IsValid() && v.Kind() == reflect.Func && v.Type().NumOut() > 0:
					return valueType{rt: v.Type().Out(0)}, true
				}
				return valueType{}, false
			}
		}
		// A method call.
		t, ok := sc.exprType(fun.X, depth+1)
		if !ok {
			return valueType{}, false
		}
		if t.rt != nil {
			if m, ok := methodSet(t.rt).MethodByName(fun.Sel.Name); ok && m.Type.NumOut() > 0 {
				return valueType{rt: m.Type.Out(0)}, true
			}
			return valueType{}, false
		}
		if ft, ok := sc.funcs[t.local+"."+fun.Sel.Name]; ok {
			return sc.firstResult(ft)
		}
	}
	return valueType{}, false
}

func (sc *scope) firstResult(ft *ast.FuncType) (valueType, bool) {
	if ft.Results == nil || len(ft.Results.List) == 0 {
		return valueType{}, false
	}
	return sc.typeExpr(ft.Results.List[0].Type)
}

// methodSet returns the type whose method set holds every method callable
// on an addressable value of t.
func methodSet(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		return t
	}
	return reflect.PointerTo(t)
}

// members returns the fields and methods of a value of type t.
func (sc *scope) members(t valueType) []string {
	set := map[string]bool{}
	if t.rt != nil {
		ms := methodSet(t.rt)
		for i := 0; i < ms.NumMethod(); i++ {
			set[ms.Method(i).Name] = true
		}
		base := t.rt
		if base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		if base.Kind() == reflect.Struct {
			for _, f := range reflect.VisibleFields(base) {
				if f.IsExported() {
					set[f.Name] = true
				}
			}
		}
	} else if ts, ok := sc.types[t.local]; ok {
		if st, ok := ts.Type.(*ast.StructType); ok {
			for _, f := range st.Fields.List {
				for _, n := range f.Names {
					set[n.Name] = true
				}
				if len(f.Names) == 0 {
					set[astx.RecvName(f.Type)] = true
				}
			}
		}
		for key := range sc.funcs {
			if strings.HasPrefix(key, t.local+".") {
				set[strings.TrimPrefix(key, t.local+".")] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// memberDoc returns the documentation of member name of type t.
func (sc *scope) memberDoc(t valueType, name string) string {
	if t.local != "" {
		return sc.decls[t.local+"."+name]
	}
	base := t.rt
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if base.PkgPath() == "" || base.Name() == "" {
		return ""
	}
	if text := packageDoc(base.PkgPath(), base.Name()+"."+name); text != "" {
		return text
	}
	// A promoted method or a field: show its type.
	if m, ok := methodSet(t.rt).MethodByName(name); ok {
		return "func (" + t.rt.String() + ") " + name + strings.TrimPrefix(m.Type.String(), "func") + "\n"
	}
	if base.Kind() == reflect.Struct {
		if f, ok := base.FieldByName(name); ok {
			return base.String() + "." + name + " " + f.Type.String() + "\n"
		}
	}
	return ""
}
