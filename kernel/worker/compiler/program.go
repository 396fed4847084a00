package compiler

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gopherlab/gopherlab/kernel/session/lower"
	"github.com/gopherlab/gopherlab/kernel/worker/native"
)

// NativePath is the import path of the package the generated program's
// main calls.
const NativePath = "github.com/gopherlab/gopherlab/kernel/worker/native"

// MainRenamed is what the notebook's func main is called in a worker
// program, whose own main runs the targets.
const MainRenamed = "gopherlabMain_"

// Program returns a Go program (one file of package main) holding the
// notebook's declarations src, as session.Source returns them (every
// declaration after a //line directive naming its cell, and variables
// without initialisers), and a main that hands native.Main a table of the
// notebook's functions, variables and types. What a notebook allows and
// the compiler does not is made acceptable, keeping every line in place:
// unused imports become blank imports, unused local variables get a use
// (_ = x), and func main is renamed (MainRenamed). It returns an error when
// the declarations do not compile for another reason; the interpreted
// worker serves such a notebook.
func Program(src string) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "notebook.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return "", fmt.Errorf("compiler: parse the declarations: %w", err)
	}
	off := func(p token.Pos) int { return fset.PositionFor(p, false).Offset }
	var edits []edit

	// func main, and the table.
	var funcs, vars, types []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil || d.Type.TypeParams != nil {
				continue
			}
			switch d.Name.Name {
			case "main":
				edits = append(edits, edit{off(d.Name.Pos()), off(d.Name.End()), MainRenamed, nil})
				funcs = append(funcs, "main")
			case "init", "_":
			default:
				funcs = append(funcs, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.ValueSpec:
					if d.Tok == token.VAR {
						for _, n := range sp.Names {
							if n.Name != "_" {
								vars = append(vars, n.Name)
							}
						}
					}
				case *ast.TypeSpec:
					if sp.TypeParams == nil && sp.Name.Name != "_" {
						types = append(types, sp.Name.Name)
					}
				}
			}
		}
	}
	// Every use of the name main (a call from another function, a func
	// value), except after a dot and as a struct field name.
	if hasFuncMain(f) {
		fields := map[*ast.Ident]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				fields[n.Sel] = true
			case *ast.Field:
				for _, id := range n.Names {
					fields[id] = true
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok {
					fields[id] = true
				}
			case *ast.FuncDecl:
				if n.Recv == nil && n.Name.Name == "main" {
					fields[n.Name] = true // renamed above
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "main" && id != f.Name && !fields[id] {
				edits = append(edits, edit{off(id.Pos()), off(id.End()), MainRenamed, nil})
			}
			return true
		})
	}

	// The program's own imports go on the package clause's line.
	end := off(f.Name.End())
	edits = append(edits, edit{end, end, `; import (__gl_native "` + NativePath + `"; __gl_reflect "reflect")`, nil})
	out := apply(src, edits)
	// The calls whose dropped errors the kernel's wrapping shows call
	// native.Checked (the interpreter's view of mp has the wrapper).
	out = checkedCall().ReplaceAllString(out, "__gl_native.Checked(")
	var b strings.Builder
	b.WriteString(out)
	b.WriteString("\n\n//line gopherlab-worker.go:1\nfunc main() {\n\t__gl_native.Main(__gl_native.Table{\n")
	sort.Strings(funcs)
	sort.Strings(vars)
	sort.Strings(types)
	b.WriteString("\t\tFuncs: map[string]any{")
	for _, n := range funcs {
		name := n
		if n == "main" {
			name = MainRenamed
		}
		fmt.Fprintf(&b, "%s: %s, ", strconv.Quote(n), name)
	}
	b.WriteString("},\n\t\tVars: map[string]any{")
	for _, n := range vars {
		fmt.Fprintf(&b, "%s: &%s, ", strconv.Quote(n), n)
	}
	b.WriteString("},\n\t\tTypes: map[string]__gl_reflect.Type{")
	for _, n := range types {
		fmt.Fprintf(&b, "%s: __gl_reflect.TypeFor[%s](), ", strconv.Quote(n), n)
	}
	b.WriteString("},\n\t})\n}\n")
	return legalise(b.String())
}

// legalise makes what the compiler refuses and a notebook allows legal in
// prog, keeping every line: unused imports become blank imports, unused
// local variables get a use. It returns an error for any other compile
// error.
func legalise(prog string) (string, error) {
	errs := lower.FileErrors([]byte(prog))
	if len(errs) == 0 {
		return prog, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "worker.go", prog, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return "", fmt.Errorf("compiler: parse the program: %w", err)
	}
	var edits []edit
	for _, e := range errs {
		switch {
		case unusedVar(e.Msg) != "":
			ed, ok := useVar(f, fset, e.Offset, unusedVar(e.Msg))
			if !ok {
				return "", fmt.Errorf("compiler: cannot mark %s as used", unusedVar(e.Msg))
			}
			edits = append(edits, ed)
		case strings.HasSuffix(e.Msg, "imported and not used") || strings.Contains(e.Msg, " imported as ") && strings.HasSuffix(e.Msg, "not used"):
			ed, ok := blankImport(f, fset, e.Offset)
			if !ok {
				return "", fmt.Errorf("compiler: cannot drop the unused import at offset %d", e.Offset)
			}
			edits = append(edits, ed)
		default:
			return "", fmt.Errorf("compiler: the declarations do not compile: %s", e.Msg)
		}
	}
	return apply(prog, edits), nil
}

// checkedCall matches the wrapper calls of dropped errors
// (NAME.GopherlabChecked_().
var checkedCall = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b[A-Za-z_][A-Za-z0-9_]*\.` + native.CheckedFunc + `\(`)
})

// unusedVar returns the name of the variable an error of the type checker
// says is unused ("declared and not used: x"; "x declared and not used" for
// the variable of a type switch), or "".
func unusedVar(msg string) string {
	if n, ok := strings.CutPrefix(msg, "declared and not used: "); ok {
		return n
	}
	if n, ok := strings.CutSuffix(msg, " declared and not used"); ok && !strings.Contains(n, " ") {
		return n
	}
	return ""
}

// hasFuncMain reports whether f declares func main.
func hasFuncMain(f *ast.File) bool {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return true
		}
	}
	return false
}

// useVar returns the edit that uses the unused local variable name
// declared at offset: "; _ = name" after the statement declaring it, or
// "_ = name; " at the start of the block (or of each case) where it is in
// scope when it is declared in a statement's header.
func useVar(f *ast.File, fset *token.FileSet, offset int, name string) (edit, bool) {
	off := func(p token.Pos) int { return fset.PositionFor(p, false).Offset }
	var path []ast.Node
	var found []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			path = path[:len(path)-1]
			return false
		}
		path = append(path, n)
		if id, ok := n.(*ast.Ident); ok && id.Name == name && off(id.Pos()) == offset {
			found = append([]ast.Node{}, path...)
		}
		return true
	})
	use := "_ = " + name
	for i := len(found) - 1; i > 0; i-- {
		switch p := found[i-1].(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			st := found[i]
			if cc, ok := p.(*ast.CommClause); ok && cc.Comm == st {
				// case v := <-ch: the variable is in scope in the body.
				at := off(cc.Colon) + 1
				return edit{at, at, " " + use + ";", nil}, true
			}
			if _, ok := st.(ast.Stmt); ok {
				at := off(st.End())
				return edit{at, at, "; " + use, nil}, true
			}
		case *ast.IfStmt:
			if found[i] == p.Init {
				at := off(p.Body.Lbrace) + 1
				return edit{at, at, " " + use + ";", nil}, true
			}
		case *ast.SwitchStmt:
			if found[i] == p.Init {
				at := off(p.Body.Lbrace) + 1
				return edit{at, at, " " + use + ";", nil}, true
			}
		case *ast.ForStmt:
			if found[i] == p.Init {
				at := off(p.Body.Lbrace) + 1
				return edit{at, at, " " + use + ";", nil}, true
			}
		case *ast.RangeStmt:
			at := off(p.Body.Lbrace) + 1
			return edit{at, at, " " + use + ";", nil}, true
		case *ast.TypeSwitchStmt:
			if found[i] == p.Assign || found[i] == p.Init {
				// One use per case: each has its own v.
				var multi []edit
				for _, c := range p.Body.List {
					cc := c.(*ast.CaseClause)
					at := off(cc.Colon) + 1
					multi = append(multi, edit{at, at, " " + use + ";", nil})
				}
				if len(multi) == 0 {
					return edit{}, false
				}
				return edit{multi[0].start, multi[0].end, multi[0].text, multi[1:]}, true
			}
		}
	}
	return edit{}, false
}

// blankImport returns the edit that makes the import at offset a blank
// import.
func blankImport(f *ast.File, fset *token.FileSet, offset int) (edit, bool) {
	off := func(p token.Pos) int { return fset.PositionFor(p, false).Offset }
	for _, is := range f.Imports {
		if off(is.Pos()) <= offset && offset < off(is.End()) {
			if is.Name != nil {
				return edit{off(is.Name.Pos()), off(is.Name.End()), "_", nil}, true
			}
			at := off(is.Path.Pos())
			return edit{at, at, "_ ", nil}, true
		}
	}
	return edit{}, false
}
