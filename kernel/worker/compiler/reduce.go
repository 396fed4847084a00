package compiler

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// Needed returns the declarations of src (as session.Source returns them)
// that a worker needs: all of them but the variables that no function,
// method, type, constant or other needed variable names. A notebook
// declares a variable at almost every cell (p := mp.NewProcess(...)), and
// only those its functions use can reach a child: keying compiled workers
// by Needed keeps one built for as long as the notebook's code stays the
// same. It returns src unchanged when it does not parse.
func Needed(src string) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "notebook.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return src
	}
	// Names used by the declarations that are not variables.
	used := map[string]bool{}
	var vars []*ast.GenDecl
	varRefs := map[string]map[string]bool{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if ok && gd.Tok == token.VAR {
			vars = append(vars, gd)
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				refs := identsOf(vs.Type)
				for _, v := range vs.Values {
					for r := range identsOf(v) {
						refs[r] = true
					}
				}
				for _, n := range vs.Names {
					varRefs[n.Name] = refs
				}
			}
			continue
		}
		if ok && gd.Tok == token.IMPORT {
			continue
		}
		for r := range identsOf(d) {
			used[r] = true
		}
	}
	// Variables used by needed variables' initialisers are needed too.
	for changed := true; changed; {
		changed = false
		for name, refs := range varRefs {
			if !used[name] {
				continue
			}
			for r := range refs {
				if !used[r] {
					used[r] = true
					changed = true
				}
			}
		}
	}
	// Drop the declarations of the others, with the comments and //line
	// directive before each.
	type cut struct{ start, end int }
	var cuts []cut
	for _, gd := range vars {
		keep := false
		for _, sp := range gd.Specs {
			for _, n := range sp.(*ast.ValueSpec).Names {
				keep = keep || used[n.Name] || n.Name == "_"
			}
		}
		if keep {
			continue
		}
		// The comment group before a declaration, its //line directive
		// included, is its Doc.
		start := fset.PositionFor(gd.Pos(), false).Offset
		if gd.Doc != nil {
			start = fset.PositionFor(gd.Doc.Pos(), false).Offset
		}
		end := fset.PositionFor(gd.End(), false).Offset
		// With the blank line before it and the newline after it, as
		// session.Source separates declarations.
		if start > 0 && src[start-1] == '\n' {
			start--
		}
		if end < len(src) && src[end] == '\n' {
			end++
		}
		cuts = append(cuts, cut{start, end})
	}
	if len(cuts) == 0 {
		return src
	}
	var b strings.Builder
	at := 0
	for _, c := range cuts {
		if c.start < at {
			continue
		}
		b.WriteString(src[at:c.start])
		at = c.end
	}
	b.WriteString(src[at:])
	return b.String()
}

// identsOf returns the identifiers in n.
func identsOf(n ast.Node) map[string]bool {
	out := map[string]bool{}
	if n == nil {
		return out
	}
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			out[id.Name] = true
		}
		return true
	})
	return out
}
