// Package godoc renders the documentation of Go declarations the way
// `go doc` prints it: the declaration, then its comment indented by four
// spaces. It serves both the completion package at run time (standard
// library) and its generator (packages of this module, rendered at go
// generate time).
package godoc

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
)

// Docs maps a name in one package to its rendered documentation: "" is the
// package itself, "Name" a top-level declaration and "Type.Method" a method.
type Docs map[string]string

// Dir parses the Go files of the package in dir that build on this platform
// (tests excluded) and renders their documentation.
func Dir(dir, importPath string) (Docs, error) {
	bp, err := build.ImportDir(dir, 0)
	if err != nil {
		return nil, fmt.Errorf("godoc: %s: %w", importPath, err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("godoc: %w", err)
		}
		files = append(files, f)
	}
	// Package builtin documents unexported names (len, append).
	all := importPath == "builtin"
	var opts []any
	if all {
		opts = append(opts, doc.AllDecls)
	}
	p, err := doc.NewFromFiles(fset, files, importPath, opts...)
	if err != nil {
		return nil, fmt.Errorf("godoc: %s: %w", importPath, err)
	}
	return render(fset, p, all), nil
}

// Render renders every exported declaration of p.
func Render(fset *token.FileSet, p *doc.Package) Docs {
	return render(fset, p, false)
}

func render(fset *token.FileSet, p *doc.Package, all bool) Docs {
	exported := ast.IsExported
	if all {
		exported = func(string) bool { return true }
	}
	r := renderer{fset: fset, p: p}
	d := Docs{"": r.comment(p.Doc)}
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			text := r.decl(v.Decl) + r.comment(v.Doc)
			for _, name := range v.Names {
				if exported(name) {
					d[name] = text
				}
			}
		}
	}
	funcs := func(prefix string, fs []*doc.Func) {
		for _, f := range fs {
			if exported(f.Name) {
				d[prefix+f.Name] = r.decl(f.Decl) + r.comment(f.Doc)
			}
		}
	}
	values(p.Consts)
	values(p.Vars)
	funcs("", p.Funcs)
	for _, t := range p.Types {
		if !exported(t.Name) {
			continue
		}
		var b strings.Builder
		b.WriteString(r.decl(t.Decl))
		b.WriteString(r.comment(t.Doc))
		var sigs []string
		for _, v := range append(append([]*doc.Value{}, t.Consts...), t.Vars...) {
			sigs = append(sigs, r.decl(v.Decl))
		}
		for _, f := range append(append([]*doc.Func{}, t.Funcs...), t.Methods...) {
			if exported(f.Name) {
				sigs = append(sigs, r.decl(f.Decl))
			}
		}
		if len(sigs) > 0 {
			b.WriteString("\n")
			b.WriteString(strings.Join(sigs, ""))
		}
		d[t.Name] = b.String()
		values(t.Consts)
		values(t.Vars)
		funcs("", t.Funcs)
		funcs(t.Name+".", t.Methods)
	}
	return d
}

type renderer struct {
	fset *token.FileSet
	p    *doc.Package
}

// decl prints a declaration without function bodies, ending in a newline.
func (r renderer) decl(n ast.Node) string {
	if f, ok := n.(*ast.FuncDecl); ok {
		c := *f
		c.Body = nil
		c.Doc = nil
		n = &c
	}
	if g, ok := n.(*ast.GenDecl); ok {
		c := *g
		c.Doc = nil
		n = &c
	}
	var buf bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&buf, r.fset, n); err != nil {
		return fmt.Sprintf("%T\n", n)
	}
	buf.WriteByte('\n')
	return strings.ReplaceAll(buf.String(), "// contains filtered or unexported fields", "// Has unexported fields.")
}

// comment formats a doc comment as go doc does, indented by four spaces.
func (r renderer) comment(text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	pr := r.p.Printer()
	pr.TextPrefix = "    "
	pr.TextCodePrefix = "        "
	return string(pr.Text(r.p.Parser().Parse(text)))
}

// Comment formats a doc comment outside any package, as for declarations in
// a notebook.
func Comment(text string) string {
	return renderer{p: &doc.Package{}}.comment(text)
}

// Names returns the sorted keys of d without the package entry.
func (d Docs) Names() []string {
	var names []string
	for k := range d {
		if k != "" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return names
}
