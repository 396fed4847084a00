package complete

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gopherlab/gopherlab/kernel/internal/astx"
	"github.com/gopherlab/gopherlab/kernel/session/complete/internal/godoc"
	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
)

// pkgIndex lists the packages the interpreter knows: the standard library
// and the kernel's own, by import path.
type pkgIndex struct {
	members map[string][]string // import path -> sorted exported names
	names   map[string]string   // import path -> package name
	byName  map[string][]string // package name -> import paths
	paths   []string            // sorted import paths
}

var index = sync.OnceValue(func() *pkgIndex {
	x := &pkgIndex{members: map[string][]string{}, names: map[string]string{}, byName: map[string][]string{}}
	for _, m := range []map[string]map[string]reflect.Value{stdlib.Symbols(), symbols.Symbols} {
		for key, syms := range m {
			i := strings.LastIndexByte(key, '/')
			if i < 0 {
				continue
			}
			p, name := key[:i], key[i+1:]
			if p == "github.com/traefik/yaegi" {
				continue // yaegi's hooks, not a package
			}
			if _, dup := x.names[p]; !dup {
				x.paths = append(x.paths, p)
				x.byName[name] = append(x.byName[name], p)
			}
			x.names[p] = name
			set := map[string]bool{}
			for _, s := range x.members[p] {
				set[s] = true
			}
			for s := range syms {
				if !strings.HasPrefix(s, "_") {
					set[s] = true
				}
			}
			members := make([]string, 0, len(set))
			for s := range set {
				members = append(members, s)
			}
			sort.Strings(members)
			x.members[p] = members
		}
	}
	sort.Strings(x.paths)
	for _, ps := range x.byName {
		sort.Slice(ps, func(i, j int) bool { return preferPath(ps[i], ps[j]) })
	}
	return x
})

// favored are the packages a bare name means when several share it (rand,
// template).
var favored = map[string]bool{"math/rand": true, "text/template": true}

// preferPath orders import paths sharing a package name: the one a learner
// most likely means first.
func preferPath(a, b string) bool {
	if favored[a] != favored[b] {
		return favored[a]
	}
	if na, nb := strings.Count(a, "/"), strings.Count(b, "/"); na != nb {
		return na < nb
	}
	return a < b
}

func packageMembers(importPath string) []string { return index().members[importPath] }

func allPackagePaths() []string { return index().paths }

// defaultName returns the name a package is imported under without an
// explicit name.
func defaultName(importPath string) string {
	if n, ok := index().names[importPath]; ok {
		return n
	}
	base := path.Base(importPath)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(importPath))
	}
	return base
}

// scope is what the cell can name: imports and declarations of the cell and
// of the notebook.
type scope struct {
	imports map[string]string // name -> import path
	decls   map[string]string // name or Type.Method -> rendered declaration

	// For the members of variables (see types.go).
	types map[string]*ast.TypeSpec // notebook types
	funcs map[string]*ast.FuncType // notebook funcs and methods (T.M)
	vars  map[string]varInfo       // notebook and cell variables
}

// varInfo is what the declaration of a variable says about its type.
type varInfo struct {
	typ  ast.Expr // the declared type, or nil
	init ast.Expr // else the initialiser
}

func newScope(code, source string) *scope {
	sc := &scope{
		imports: map[string]string{},
		decls:   map[string]string{},
		types:   map[string]*ast.TypeSpec{},
		funcs:   map[string]*ast.FuncType{},
		vars:    map[string]varInfo{},
	}
	sc.addFile(source, false)
	sc.addFile(code, true)
	return sc
}

// addFile adds the imports and declarations of src, a Go file or a cell.
func (sc *scope) addFile(src string, cell bool) {
	if strings.TrimSpace(src) == "" {
		return
	}
	sc.addImports(src)
	text := src
	if cell && !strings.HasPrefix(strings.TrimSpace(src), "package ") {
		text = "package main\n" + src
	}
	fset := token.NewFileSet()
	// A cell mixes statements with declarations; the parser keeps the
	// declarations it understood.
	f, _ := parser.ParseFile(fset, "cell.go", text, parser.ParseComments|parser.SkipObjectResolution)
	if f != nil {
		for _, d := range f.Decls {
			sc.addDecl(fset, d)
		}
	}
	if cell {
		sc.addShortVars(src)
	}
}

func (sc *scope) addImports(src string) {
	toks := scanCode(src, 0)
	for i := 0; i < len(toks); i++ {
		if toks[i].t != token.IMPORT {
			continue
		}
		i++
		grouped := i < len(toks) && toks[i].t == token.LPAREN
		if grouped {
			i++
		}
		for ; i < len(toks); i++ {
			name := ""
			if toks[i].t == token.IDENT || toks[i].t == token.PERIOD {
				name = toks[i].lit
				if toks[i].t == token.PERIOD {
					name = "."
				}
				i++
			}
			if i >= len(toks) || toks[i].t != token.STRING {
				break
			}
			p, err := strconv.Unquote(toks[i].lit)
			if err == nil && name != "_" && name != "." {
				if name == "" {
					name = defaultName(p)
				}
				sc.imports[name] = p
			}
			if !grouped {
				break
			}
			for i+1 < len(toks) && toks[i+1].t == token.SEMICOLON {
				i++
			}
			if i+1 < len(toks) && toks[i+1].t == token.RPAREN {
				i++
				break
			}
		}
	}
}

func (sc *scope) addDecl(fset *token.FileSet, d ast.Decl) {
	switch d := d.(type) {
	case *ast.FuncDecl:
		c := *d
		c.Body, c.Doc = nil, nil
		key := d.Name.Name
		if d.Recv != nil && len(d.Recv.List) == 1 {
			key = astx.RecvName(d.Recv.List[0].Type) + "." + key
		}
		sc.funcs[key] = d.Type
		sc.decls[key] = render(fset, &c) + docText(d.Doc)
	case *ast.GenDecl:
		if d.Tok == token.IMPORT {
			return
		}
		for _, s := range d.Specs {
			g := &ast.GenDecl{Tok: d.Tok, Specs: []ast.Spec{s}}
			var comment *ast.CommentGroup
			switch s := s.(type) {
			case *ast.TypeSpec:
				comment = s.Doc
				s.Doc = nil
				sc.decls[s.Name.Name] = render(fset, g) + docText(firstNonNil(comment, d.Doc))
				sc.types[s.Name.Name] = s
			case *ast.ValueSpec:
				comment = s.Doc
				s.Doc = nil
				text := render(fset, g) + docText(firstNonNil(comment, d.Doc))
				for i, n := range s.Names {
					sc.decls[n.Name] = text
					v := varInfo{typ: s.Type}
					if len(s.Values) == len(s.Names) {
						v.init = s.Values[i]
					}
					sc.vars[n.Name] = v
				}
			}
		}
	}
}

// addShortVars adds the names declared with := in a cell.
func (sc *scope) addShortVars(code string) {
	toks := scanCode(code, 0)
	lines := strings.Split(code, "\n")
	fset := token.NewFileSet()
	f := fset.AddFile("cell", -1, len(code))
	f.SetLinesForContent([]byte(code))
	for i, t := range toks {
		if t.t != token.DEFINE {
			continue
		}
		if i > 0 && toks[i-1].t == token.IDENT && (i == 1 || toks[i-2].t != token.COMMA) {
			// x := EXPR: keep EXPR for the type of x when it fits on the line.
			rest := code[t.off+2:]
			if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
				rest = rest[:nl]
			}
			rest = strings.TrimSuffix(strings.TrimSpace(rest), ";")
			if e, err := parser.ParseExpr(rest); err == nil {
				sc.vars[toks[i-1].lit] = varInfo{init: e}
			}
		}
		for j := i - 1; j >= 0 && toks[j].t == token.IDENT; j -= 2 {
			name := toks[j].lit
			if _, ok := sc.decls[name]; !ok && name != "_" {
				line := f.Line(f.Pos(t.off))
				sc.decls[name] = strings.TrimSpace(lines[line-1]) + "\n"
			}
			if j == 0 || toks[j-1].t != token.COMMA {
				break
			}
		}
	}
}

func firstNonNil(a, b *ast.CommentGroup) *ast.CommentGroup {
	if a != nil {
		return a
	}
	return b
}

func render(fset *token.FileSet, n ast.Node) string {
	var buf bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&buf, fset, n); err != nil {
		return ""
	}
	buf.WriteByte('\n')
	return buf.String()
}

func docText(c *ast.CommentGroup) string {
	if c == nil {
		return ""
	}
	return godoc.Comment(c.Text())
}

// names returns the names declared in the notebook and the cell, methods
// excluded.
func (sc *scope) names() []string {
	var out []string
	for n := range sc.decls {
		if !strings.Contains(n, ".") && n != "_" && n != "main" {
			out = append(out, n)
		}
	}
	return out
}

func (sc *scope) importNames() []string {
	var out []string
	for n := range sc.imports {
		out = append(out, n)
	}
	return out
}

// packagePath returns the import path of the package the cell calls name:
// an import of the notebook, else a known package of that name.
func (sc *scope) packagePath(name string) (string, bool) {
	if p, ok := sc.imports[name]; ok {
		return p, true
	}
	if _, declared := sc.decls[name]; declared {
		return "", false
	}
	if ps := index().byName[name]; len(ps) > 0 {
		return ps[0], true
	}
	return "", false
}
