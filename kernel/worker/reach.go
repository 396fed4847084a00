package worker

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/internal/astx"
)

// declGraph is what the notebook's declarations (a Go file, as
// session.Source returns it) say about its package-level variables: which
// ones each function, method and variable mentions, so that a child gets
// copies of the variables its target can reach.
type declGraph struct {
	vars    []string                   // the variables, in order
	isVar   map[string]bool            // the same
	refs    map[string]map[string]bool // a top-level name ("T.M" for a method) -> the top-level names it mentions
	methods []string                   // every method, as "T.M"
	types   []string                   // the non-generic type names
}

// parseDecls builds the graph of src. A source that does not parse gives
// the declarations before the error.
func parseDecls(src string) *declGraph {
	if i := strings.Index(src, helpersEnd); i >= 0 && strings.HasPrefix(src, loweredMark) {
		src = src[i+len(helpersEnd):]
	}
	g := &declGraph{isVar: map[string]bool{}, refs: map[string]map[string]bool{}}
	f, _ := parser.ParseFile(token.NewFileSet(), "notebook.go", src, parser.SkipObjectResolution)
	if f == nil {
		return g
	}
	top := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				top[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.ValueSpec:
					for _, n := range s.Names {
						top[n.Name] = true
						if d.Tok == token.VAR && n.Name != "_" && !g.isVar[n.Name] {
							g.isVar[n.Name] = true
							g.vars = append(g.vars, n.Name)
						}
					}
				case *ast.TypeSpec:
					top[s.Name.Name] = true
					if s.TypeParams == nil {
						g.types = append(g.types, s.Name.Name)
					}
				}
			}
		}
	}
	add := func(name string, nodes ...ast.Node) {
		m := g.refs[name]
		if m == nil {
			m = map[string]bool{}
			g.refs[name] = m
		}
		for _, n := range nodes {
			if n != nil && !reflect.ValueOf(n).IsNil() {
				mentions(n, top, m)
			}
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil && len(d.Recv.List) > 0 {
				name = astx.RecvName(d.Recv.List[0].Type) + "." + name
				g.methods = append(g.methods, name)
				add(name, d.Recv)
			}
			if d.Body != nil {
				add(name, d.Type, d.Body)
			} else {
				add(name, d.Type)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.ValueSpec:
					// A child never runs a variable's initialiser (Lower
					// removes them): only the type matters. A constant's
					// value is part of it.
					for _, n := range s.Names {
						nodes := []ast.Node{s.Type}
						if d.Tok == token.CONST {
							for _, v := range s.Values {
								nodes = append(nodes, v)
							}
						}
						add(n.Name, nodes...)
					}
				case *ast.TypeSpec:
					add(s.Name.Name, s.Type)
				}
			}
		}
	}
	return g
}

// mentions adds to m the names of top that n mentions, other than after a
// dot (x.name is a field, a method or a package's name).
func mentions(n ast.Node, top, m map[string]bool) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			mentions(n.X, top, m)
			return false
		case *ast.Ident:
			if top[n.Name] {
				m[n.Name] = true
			}
		}
		return true
	})
}

// reach returns the variables that the function target can reach: those
// it mentions, and those mentioned by what it mentions, transitively. Every
// method of the notebook counts as reachable, whatever the target: a
// method may be called through an interface holding a value the target
// received from elsewhere (a Queue, an argument). target "" (a Pool's
// worker, which may run any function) reaches what every function, method
// and type reaches: not the variables only cells use, which no function
// can read (a compiled worker does not even have them).
func (g *declGraph) reach(target string) []string {
	seen := map[string]bool{}
	var queue []string
	if target == "" {
		for n := range g.refs {
			if !g.isVar[n] {
				queue = append(queue, n)
			}
		}
	} else {
		queue = append([]string{target}, g.methods...)
	}
	for _, n := range queue {
		seen[n] = true
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for r := range g.refs[n] {
			if !seen[r] {
				seen[r] = true
				queue = append(queue, r)
			}
		}
	}
	var out []string
	for _, v := range g.vars {
		if seen[v] {
			out = append(out, v)
		}
	}
	return out
}
