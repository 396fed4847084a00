package lower

import (
	_ "embed"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
	"sync"
)

//go:embed lib.go.txt
var libSource string

// helper is one declaration of lib.go.txt.
type helper struct {
	src        string   // the declaration's source
	typeParams []string // names of its type parameters, in order
	deps       []string // other helpers it uses
}

// libHelpers returns the map from a helper's name ("__lower_slices_Sort") to
// its declaration. lib.go.txt is parsed on first use, not at package init,
// which would delay every start of the kernel.
var libHelpers = sync.OnceValue(parseLib)

func parseLib() map[string]*helper {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "lib.go.txt", libSource, parser.SkipObjectResolution)
	if err != nil {
		panic("lower: lib.go.txt: " + err.Error())
	}
	m := make(map[string]*helper)
	for _, d := range f.Decls {
		var name string
		h := &helper{}
		switch d := d.(type) {
		case *ast.FuncDecl:
			name = d.Name.Name
			if d.Type.TypeParams != nil {
				for _, fld := range d.Type.TypeParams.List {
					for _, n := range fld.Names {
						h.typeParams = append(h.typeParams, n.Name)
					}
				}
			}
		case *ast.GenDecl:
			name = d.Specs[0].(*ast.TypeSpec).Name.Name
		}
		h.src = libSource[fset.Position(d.Pos()).Offset:fset.Position(d.End()).Offset]
		seen := map[string]bool{name: true}
		ast.Inspect(d, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && strings.HasPrefix(id.Name, "__lower_") && !seen[id.Name] {
				seen[id.Name] = true
				h.deps = append(h.deps, id.Name)
			}
			return true
		})
		m[name] = h
	}
	return m
}

// helperSource returns a package main file declaring the named helpers and
// everything they depend on, or nil for no names.
func helperSource(names map[string]bool) []byte {
	if len(names) == 0 {
		return nil
	}
	helpers := libHelpers()
	all := make(map[string]bool)
	var add func(string)
	add = func(n string) {
		if all[n] || helpers[n] == nil {
			return
		}
		all[n] = true
		for _, d := range helpers[n].deps {
			add(d)
		}
	}
	for n := range names {
		add(n)
	}
	list := make([]string, 0, len(all))
	for n := range all {
		list = append(list, n)
	}
	sort.Strings(list)
	var b strings.Builder
	b.WriteString("package main\n")
	for _, n := range list {
		b.WriteString("\n")
		b.WriteString(helpers[n].src)
		b.WriteString("\n")
	}
	return []byte(b.String())
}
