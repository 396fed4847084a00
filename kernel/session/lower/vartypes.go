package lower

import (
	"go/ast"
	"go/token"
	"go/types"
)

// VarTypes type-checks src, a Go file of package main (the notebook's
// declarations, as session.Source returns them), and returns the type of
// each package-level variable it declares without one (var x = f()),
// written with src's import names ("*mp.Lock", "map[string]Point"). A
// variable whose type cannot be written in src (an unknown type, or one of
// a package src does not import) is left out. kernel/worker uses it to
// declare a child's variables without running their initialisers.
func VarTypes(src []byte) map[string]string {
	out := map[string]string{}
	a := analyze(src, nil)
	if a == nil || a.pkg == nil {
		return out
	}
	names := map[*types.Package]string{}
	for path, name := range a.imports {
		if name == "" || name == "_" || name == "." {
			continue
		}
		for _, p := range a.pkg.Imports() {
			if p.Path() == path {
				names[p] = name
			}
		}
	}
	writable := true
	qualifier := func(p *types.Package) string {
		if p == a.pkg {
			return ""
		}
		name, ok := names[p]
		if !ok {
			writable = false
		}
		return name
	}
	for _, d := range a.file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			if vs.Type != nil {
				continue
			}
			for _, n := range vs.Names {
				obj, ok := a.info.Defs[n].(*types.Var)
				if !ok || obj.Type() == nil || !validType(obj.Type()) || !nameable(obj.Type(), a.pkg, map[types.Type]bool{}) {
					continue
				}
				writable = true
				t := types.TypeString(obj.Type(), qualifier)
				if writable {
					out[n.Name] = t
				}
			}
		}
	}
	return out
}

// validType reports whether t is a type a declaration can name: known,
// and not an untyped constant's.
func validType(t types.Type) bool {
	switch t := t.(type) {
	case *types.Basic:
		return t.Kind() != types.Invalid && t.Info()&types.IsUntyped == 0
	case *types.Tuple:
		return false
	}
	return true
}

// nameable reports whether every named type t is made of can be named in
// package pkg: declared there, predeclared, or exported by its package.
func nameable(t types.Type, pkg *types.Package, seen map[types.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() != nil && obj.Pkg() != pkg && !obj.Exported() {
			return false
		}
		if args := t.TypeArgs(); args != nil {
			for i := 0; i < args.Len(); i++ {
				if !nameable(args.At(i), pkg, seen) {
					return false
				}
			}
		}
		return true
	case *types.Alias:
		return nameable(types.Unalias(t), pkg, seen)
	case *types.Pointer:
		return nameable(t.Elem(), pkg, seen)
	case *types.Slice:
		return nameable(t.Elem(), pkg, seen)
	case *types.Array:
		return nameable(t.Elem(), pkg, seen)
	case *types.Chan:
		return nameable(t.Elem(), pkg, seen)
	case *types.Map:
		return nameable(t.Key(), pkg, seen) && nameable(t.Elem(), pkg, seen)
	case *types.Signature:
		for _, tu := range []*types.Tuple{t.Params(), t.Results()} {
			for i := 0; i < tu.Len(); i++ {
				if !nameable(tu.At(i).Type(), pkg, seen) {
					return false
				}
			}
		}
		return true
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			f := t.Field(i)
			if !f.Exported() && f.Pkg() != pkg || !nameable(f.Type(), pkg, seen) {
				return false
			}
		}
		return true
	case *types.Interface:
		for i := 0; i < t.NumMethods(); i++ {
			m := t.Method(i)
			if !m.Exported() && m.Pkg() != pkg || !nameable(m.Type(), pkg, seen) {
				return false
			}
		}
		return true
	}
	return true
}
