package worker

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/session/lower"
)

// This file prepares the notebook's declarations so that rebuilding them
// in a child runs no statement of any cell: the child starts from the
// parent's variables (mp sends them), not from their initialisers. Each
// step edits the source in place, keeping every line at its number, so
// that positions (and the //line directives the session writes) still
// point into the cells.

// textEdit replaces src[start:end] with text (no newline).
type textEdit struct {
	start, end int
	text       string
}

// applyEdits applies edits (not overlapping) to src. The newlines a
// replaced range held that its replacement lacks are added after it, so
// that every line after it keeps its number.
func applyEdits(src string, edits []textEdit) string {
	if len(edits) == 0 {
		return src
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b strings.Builder
	prev := 0
	for _, e := range edits {
		if e.start < prev {
			continue // overlaps the previous one: keep that
		}
		b.WriteString(src[prev:e.start])
		b.WriteString(e.text)
		b.WriteString(strings.Repeat("\n", max(0, strings.Count(src[e.start:e.end], "\n")-strings.Count(e.text, "\n"))))
		prev = e.end
	}
	b.WriteString(src[prev:])
	return b.String()
}

// renameEntryPoints renames func main (and its uses) and every func init
// of src, so that evaluating the declarations in a child runs neither: a
// child is the program at the moment it starts, not a new run of it.
func renameEntryPoints(src string) (string, error) {
	if !strings.Contains(src, "main") && !strings.Contains(src, "init") {
		return src, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "notebook.go", src, parser.SkipObjectResolution)
	if err != nil {
		return "", fmt.Errorf("worker: parse the notebook's declarations: %w", err)
	}
	hasMain := false
	var edits []textEdit
	inits := 0
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil {
			continue
		}
		switch fd.Name.Name {
		case "main":
			hasMain = true
		case "init":
			inits++
			off := fset.Position(fd.Name.Pos()).Offset
			edits = append(edits, textEdit{off, off + len("init"), fmt.Sprintf("gopherlabInit%d_", inits)})
		}
	}
	if hasMain {
		// Rename every use of the name except after a dot (x.main is
		// another name) and in the package clause.
		var visit func(n ast.Node) bool
		visit = func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				ast.Inspect(n.X, visit)
				return false
			case *ast.Ident:
				if n.Name == "main" {
					off := fset.Position(n.Pos()).Offset
					edits = append(edits, textEdit{off, off + len("main"), mainRenamed})
				}
			}
			return true
		}
		for _, d := range f.Decls {
			ast.Inspect(d, visit)
		}
	}
	return applyEdits(src, edits), nil
}

// stripInitialisers removes the initialiser of every package-level
// variable of src (var x = f() becomes var x T), so that rebuilding the
// declarations in a child runs none of them. A variable declared without
// a type gets the one go/types finds (lower.VarTypes), or failing that
// typeOf's (the kernel's interpreter knows the variable's value); a
// variable whose type neither knows keeps its initialiser.
func stripInitialisers(src string, typeOf func(name string) string) string {
	if !strings.Contains(src, "var") {
		return src
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "notebook.go", src, parser.SkipObjectResolution)
	if err != nil {
		return src // Build reports the error
	}
	var types map[string]string
	typeFor := func(name string) string {
		if types == nil {
			types = lower.VarTypes([]byte(src))
		}
		if t := types[name]; t != "" {
			return t
		}
		if typeOf != nil {
			return typeOf(name)
		}
		return ""
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	// A name declared again later (the source of a session older than
	// issue 13 could keep both) is left to its last declaration.
	last := map[string]*ast.ValueSpec{}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, s := range gd.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					last[n.Name] = s.(*ast.ValueSpec)
				}
			}
		}
	}
	var edits []textEdit
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			redeclared := false
			for _, n := range vs.Names {
				redeclared = redeclared || n.Name != "_" && last[n.Name] != vs
			}
			if len(vs.Values) == 0 && !redeclared {
				continue
			}
			if vs.Type != nil && !redeclared {
				edits = append(edits, textEdit{off(vs.Type.End()), off(vs.Values[len(vs.Values)-1].End()), ""})
				continue
			}
			var specs []string
			known := true
			for _, n := range vs.Names {
				if n.Name == "_" || last[n.Name] != vs {
					continue
				}
				t := typeFor(n.Name)
				if vs.Type != nil {
					t = src[off(vs.Type.Pos()):off(vs.Type.End())]
				}
				if t == "" {
					known = false
					break
				}
				specs = append(specs, n.Name+" "+t)
			}
			if !known {
				continue
			}
			sep := "; var "
			if gd.Lparen.IsValid() {
				sep = "; "
			}
			text := strings.Join(specs, sep)
			if len(specs) == 0 {
				text = "_ struct{}"
			}
			edits = append(edits, textEdit{off(vs.Pos()), off(vs.End()), text})
		}
	}
	return applyEdits(src, edits)
}

// goRuntime is the import path of the functions rewritten declarations
// call (goStatements); [Symbols] provides them.
const goRuntime = "gopherlab/worker/rt"

// builtins are the predeclared functions, which a go statement may call
// but which are not values.
var builtins = map[string]bool{
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true, "delete": true,
	"imag": true, "len": true, "make": true, "max": true, "min": true, "new": true, "panic": true,
	"print": true, "println": true, "real": true, "recover": true,
}

// goStatements rewrites the go statements in the function bodies of src
// so that a panic in the goroutine is reported as Go reports it, with the
// cell's line and without the interpreter's frames: go f(a, b) becomes
// gopherlabrt_.Go(false, f, a, b), which evaluates f and its arguments
// where the go statement did, then calls f in a new goroutine.
func goStatements(src string) string {
	if !strings.Contains(src, "go ") {
		return src
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "notebook.go", src, parser.SkipObjectResolution)
	if err != nil {
		return src
	}
	declared := map[string]bool{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			declared[fd.Name.Name] = true
		}
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	var edits []textEdit
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			gs, ok := n.(*ast.GoStmt)
			if !ok {
				return true
			}
			call := gs.Call
			if id, ok := call.Fun.(*ast.Ident); ok && builtins[id.Name] && !declared[id.Name] {
				return true
			}
			spread := call.Ellipsis.IsValid()
			edits = append(edits, textEdit{off(gs.Pos()), off(call.Fun.Pos()), fmt.Sprintf("gopherlabrt_.Go(%t, ", spread)})
			sep := ""
			if len(call.Args) > 0 {
				sep = ", "
			}
			edits = append(edits, textEdit{off(call.Fun.End()), off(call.Lparen) + 1, sep})
			if spread {
				edits = append(edits, textEdit{off(call.Ellipsis), off(call.Ellipsis) + len("..."), ""})
			}
			return true
		})
	}
	if len(edits) == 0 {
		return src
	}
	pkgEnd := off(f.Name.End())
	edits = append(edits, textEdit{pkgEnd, pkgEnd, fmt.Sprintf("; import gopherlabrt_ %q", goRuntime)})
	return applyEdits(src, edits)
}
