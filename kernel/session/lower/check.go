package lower

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/gopherlab/gopherlab/kernel/internal/astx"
	"github.com/gopherlab/gopherlab/kernel/internal/gcimporter"
	"github.com/gopherlab/gopherlab/kernel/internal/goroot"
)

// cellName is the file name the cell is parsed under.
const cellName = "cell.go"

// maxErrors is how many errors Check reports at most, like the compiler.
const maxErrors = 10

// analysis is a cell parsed and type-checked against its context.
type analysis struct {
	fset *token.FileSet
	file *ast.File // the cell
	// files are the context's files as checked, then the cell.
	files []*ast.File
	pkg   *types.Package
	info  *types.Info
	errs  []types.Error // errors positioned in the cell, unfiltered
	// imports maps the path of each package the cell imports to its name
	// in the cell ("." for a dot import, "_" for a blank one).
	imports map[string]string
}

// contextCache holds the parsed context of the last call, so that cells run
// one after another against the same notebook do not parse it again.
var contextCache struct {
	sync.Mutex
	src   [][]byte
	fset  *token.FileSet
	files []*ast.File
	// generic holds the names of the generic functions the context declares.
	generic map[string]bool
}

// lastAnalysis caches the analysis of the last cell, so that Check after
// Rewrite (or the reverse) on the same input costs nothing.
var lastAnalysis struct {
	sync.Mutex
	cell    []byte
	context [][]byte
	a       *analysis
}

func equalSources(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func cloneSources(s [][]byte) [][]byte {
	c := make([][]byte, len(s))
	for i := range s {
		c[i] = bytes.Clone(s[i])
	}
	return c
}

// parseContext returns a file set holding the parsed context files (those
// that parse; a context file with a syntax error is left out).
func parseContext(context [][]byte) (*token.FileSet, []*ast.File, map[string]bool) {
	contextCache.Lock()
	defer contextCache.Unlock()
	if contextCache.fset != nil && equalSources(contextCache.src, context) {
		return contextCache.fset, contextCache.files, contextCache.generic
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for i, src := range context {
		f, err := parser.ParseFile(fset, fmt.Sprintf("context%d.go", i), src, parser.SkipObjectResolution)
		if err == nil && f.Name.Name == "main" {
			files = append(files, f)
		}
	}
	generic := make(map[string]bool)
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Type.TypeParams != nil {
				generic[fd.Name.Name] = true
			}
		}
	}
	contextCache.src = cloneSources(context)
	contextCache.fset = fset
	contextCache.files = files
	contextCache.generic = generic
	return fset, files, generic
}

// analyze parses cell and type-checks it against context. It returns nil
// when cell does not parse.
func analyze(cell []byte, context [][]byte) *analysis {
	lastAnalysis.Lock()
	if lastAnalysis.a != nil && bytes.Equal(lastAnalysis.cell, cell) && equalSources(lastAnalysis.context, context) {
		a := lastAnalysis.a
		lastAnalysis.Unlock()
		return a
	}
	lastAnalysis.Unlock()

	fset, ctx, _ := parseContext(context)
	file, err := parser.ParseFile(fset, cellName, cell, parser.SkipObjectResolution)
	if err != nil || file.Name.Name != "main" {
		return nil
	}
	a := &analysis{
		fset:    fset,
		file:    file,
		imports: make(map[string]string),
		info: &types.Info{
			Types:      make(map[ast.Expr]types.TypeAndValue),
			Defs:       make(map[*ast.Ident]types.Object),
			Uses:       make(map[*ast.Ident]types.Object),
			Instances:  make(map[*ast.Ident]types.Instance),
			Implicits:  make(map[ast.Node]types.Object),
			Selections: make(map[*ast.SelectorExpr]*types.Selection),
		},
	}
	for _, im := range file.Imports {
		path := strings.Trim(im.Path.Value, "\"`")
		name := ""
		if im.Name != nil {
			name = im.Name.Name
		}
		a.imports[path] = name // completed with the package name below
	}
	files := append(filterContext(ctx, file), file)
	a.files = files
	conf := types.Config{
		Importer: newImporter(),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok && fset.Position(te.Pos).Filename == cellName {
				a.errs = append(a.errs, te)
			}
		},
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				// A go/types bug must not take the kernel down: the
				// analysis is what was collected so far.
				a.errs = append(a.errs, types.Error{Fset: fset, Pos: file.Pos(), Msg: fmt.Sprintf("internal error: %v", r)})
			}
		}()
		a.pkg, _ = conf.Check("main", fset, files, a.info)
	}()
	for _, im := range file.Imports {
		path := strings.Trim(im.Path.Value, "\"`")
		if a.imports[path] != "" {
			continue
		}
		if pn, ok := a.info.Implicits[im].(*types.PkgName); ok {
			a.imports[path] = pn.Imported().Name()
		} else if pkg := importedName(path); pkg != "" {
			a.imports[path] = pkg
		}
	}

	lastAnalysis.Lock()
	lastAnalysis.cell = bytes.Clone(cell)
	lastAnalysis.context = cloneSources(context)
	lastAnalysis.a = a
	lastAnalysis.Unlock()
	return a
}

// importedName guesses the name of an imported package from its path when
// the importer does not know it.
func importedName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	if len(path) > 1 && path[0] == 'v' && strings.Trim(path[1:], "0123456789") == "" {
		return "" // a major version suffix: unknown
	}
	return path
}

// filterContext returns the context files without the declarations the
// cell declares again: rerunning a cell redefines its names.
func filterContext(ctx []*ast.File, cell *ast.File) []*ast.File {
	names := make(map[string]bool)
	for _, d := range cell.Decls {
		for _, n := range declNames(d) {
			names[n] = true
		}
	}
	out := make([]*ast.File, 0, len(ctx))
	for _, f := range ctx {
		nf := *f
		nf.Decls = nil
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !names[astx.FuncKey(d)] {
					nf.Decls = append(nf.Decls, d)
				}
			case *ast.GenDecl:
				if d.Tok == token.IMPORT {
					nf.Decls = append(nf.Decls, d)
					continue
				}
				nd := *d
				nd.Specs = nil
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if !names[s.Name.Name] {
							nd.Specs = append(nd.Specs, s)
						}
					case *ast.ValueSpec:
						ns := *s
						ns.Names = make([]*ast.Ident, len(s.Names))
						kept := false
						for i, n := range s.Names {
							if names[n.Name] {
								ns.Names[i] = &ast.Ident{NamePos: n.NamePos, Name: "_"}
							} else {
								ns.Names[i] = n
								kept = kept || n.Name != "_"
							}
						}
						if kept {
							nd.Specs = append(nd.Specs, &ns)
						}
					}
				}
				if len(nd.Specs) > 0 {
					nf.Decls = append(nf.Decls, &nd)
				}
			}
		}
		out = append(out, &nf)
	}
	return out
}

// declNames returns the package-level names a declaration declares;
// methods are named "Type.Method".
func declNames(d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return []string{astx.FuncKey(d)}
	case *ast.GenDecl:
		var names []string
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				names = append(names, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					names = append(names, n.Name)
				}
			}
		}
		return names
	}
	return nil
}

// stdImporter imports packages of the standard library (and the API of
// the packages compiled into the kernel) into one generation of imported
// packages. Other packages fail to import, which go/types turns into
// "anything goes" for their uses. A type-check uses one importer from start
// to end, so that it never meets two packages of one path: [Forget] starts
// a new generation for the checks that follow, and one running keeps its
// own.
type stdImporter struct{ c *importCache }

// importCache is one generation of imported packages.
type importCache struct {
	fset *token.FileSet
	imp  types.ImporterFrom // chosen at the first import
	pkgs map[string]*types.Package
	errs map[string]error
}

var srcImporter struct {
	sync.Mutex
	cur *importCache // the generation new checks use, nil until one does
}

// newImporter returns an importer into the current generation.
func newImporter() stdImporter {
	srcImporter.Lock()
	defer srcImporter.Unlock()
	return stdImporter{currentLocked()}
}

// currentLocked returns the current generation, starting one if there is
// none. srcImporter's lock is held.
func currentLocked() *importCache {
	if srcImporter.cur == nil {
		srcImporter.cur = &importCache{
			fset: token.NewFileSet(),
			pkgs: make(map[string]*types.Package),
			errs: make(map[string]error),
		}
	}
	return srcImporter.cur
}

// Forget lets the garbage collector have the type information of the
// packages cells imported and of the last cells checked (several MiB once
// runtime/mp and a few standard packages are imported), and the symbol
// maps of Symbols built so far, for a kernel going idle. The next check imports what it needs again, from export data and
// the embedded API of the kernel's packages: a few milliseconds. Checks
// running meanwhile finish with what they hold.
func Forget() {
	newer.Forget()
	srcImporter.Lock()
	srcImporter.cur = nil
	srcImporter.Unlock()
	lastAnalysis.Lock()
	lastAnalysis.cell, lastAnalysis.context, lastAnalysis.a = nil, nil, nil
	lastAnalysis.Unlock()
	contextCache.Lock()
	contextCache.src, contextCache.fset, contextCache.files, contextCache.generic = nil, nil, nil, nil
	contextCache.Unlock()
}

var errNotStd = errors.New("lower: not a standard library package")

func (i stdImporter) Import(path string) (*types.Package, error) {
	return i.ImportFrom(path, "", 0)
}

// ImportFrom imports a standard library package from compiler export data
// (go list -export, fast once the build cache holds the standard library),
// or, when the go command is not usable, from the sources in GOROOT; and a
// package compiled into the kernel from its embedded API (zmodapi.go), or
// from its sources when the API does not hold it. It caches what it
// imported in its generation.
func (i stdImporter) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	srcImporter.Lock()
	defer srcImporter.Unlock()
	return importLocked(i.c, path)
}

func importLocked(c *importCache, path string) (pkg *types.Package, err error) {
	if pkg := c.pkgs[path]; pkg != nil {
		return pkg, nil
	}
	if err := c.errs[path]; err != nil {
		return nil, err
	}
	if c.imp == nil {
		c.imp = chooseImporter(c.fset)
	}
	defer func() {
		if r := recover(); r != nil {
			pkg, err = nil, fmt.Errorf("lower: import %s: %v", path, r)
		}
		if err != nil {
			c.errs[path] = err
		} else {
			c.pkgs[path] = pkg
		}
	}()
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	if !isStd(path) {
		// The embedded API first: a tenth of the time and half the memory
		// of checking runtime/mp and its imports from source.
		if pkg, ok := importEmbedded(c, path); ok {
			return pkg, nil
		}
		if dir := moduleDir(path); dir != "" {
			return importModule(c, path, dir)
		}
		return nil, errNotStd
	}
	if fi, err := os.Stat(filepath.Join(goroot.Dir(), "src", filepath.FromSlash(path))); err != nil || !fi.IsDir() {
		// Not in the installed Go: do not ask the go command.
		return nil, errNotStd
	}
	return c.imp.ImportFrom(path, "", 0)
}

// chooseImporter returns the export data importer when it works and the
// source importer otherwise. Packages of one importer are never mixed with
// those of the other.
func chooseImporter(fset *token.FileSet) (imp types.ImporterFrom) {
	defer func() {
		if r := recover(); r != nil {
			imp = importer.ForCompiler(fset, "source", nil).(types.ImporterFrom)
		}
	}()
	if build.Default.GOROOT == "" {
		// Built with -trimpath (install.sh): the source importer reads
		// build.Default, which does not know where Go is.
		build.Default.GOROOT = goroot.Dir()
	}
	gc := &gcImporter{fset: fset, packages: map[string]*types.Package{}}
	if _, err := gc.ImportFrom("errors", "", 0); err == nil {
		return gc
	}
	return importer.ForCompiler(fset, "source", nil).(types.ImporterFrom)
}

// gcImporter is go/importer's "gc" importer with lookupExport, over the
// kernel's copy of the standard library's gcimporter, which does not keep
// 512 KiB for good (kernel/internal/gcimporter).
type gcImporter struct {
	fset     *token.FileSet
	packages map[string]*types.Package
}

func (g *gcImporter) Import(path string) (*types.Package, error) { return g.ImportFrom(path, "", 0) }

func (g *gcImporter) ImportFrom(path, srcDir string, _ types.ImportMode) (*types.Package, error) {
	return gcimporter.Import(g.fset, g.packages, path, srcDir, lookupExport)
}

// isStd reports whether path names a package of the standard library.
func isStd(path string) bool {
	if path == "" || path == "C" {
		return false
	}
	first := path
	if i := strings.IndexByte(path, '/'); i >= 0 {
		first = path[:i]
	}
	return !strings.Contains(first, ".") && !strings.HasPrefix(path, "internal/") && !strings.Contains(path, "/internal/")
}

// Preload imports the named packages (of the standard library, or compiled
// into the kernel such as runtime/mp) into the shared importer, so that the
// first cell importing them is checked quickly. It is safe to call in a
// goroutine; unknown paths are ignored.
func Preload(paths ...string) {
	// One go list for all of them, rather than one per package whose
	// export data the previous ones did not bring.
	var std []string
	for _, p := range paths {
		if isStd(p) {
			std = append(std, p)
		}
	}
	srcImporter.Lock()
	loadExportsLocked()
	c := currentLocked()
	// Those not listed yet: a cell may have imported a package first (a
	// go list of its own), and then each of the others would cost one.
	var missing []string
	for _, p := range std {
		if exportFiles[p] == "" && c.pkgs[p] == nil && c.errs[p] == nil {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		listExports(missing...)
	}
	srcImporter.Unlock()
	imp := stdImporter{c}
	for _, p := range paths {
		imp.ImportFrom(p, "", 0)
	}
}

// check returns the compiler-like errors of a cell.
func (a *analysis) check() []error {
	suppress := a.unusedResultPositions()
	var errs []error
	seen := make(map[string]bool)
	for _, te := range a.errs {
		msg := compilerWording(te.Msg)
		if (strings.Contains(msg, "declared and not used") && !strings.HasPrefix(msg, "label ")) ||
			strings.Contains(msg, "imported and not used") ||
			strings.Contains(msg, "could not import") ||
			(strings.Contains(msg, " is not used") && suppress[te.Pos]) {
			continue
		}
		pos := a.fset.Position(te.Pos)
		key := fmt.Sprintf("%d:%d:%s", pos.Line, pos.Column, msg)
		if seen[key] {
			continue
		}
		seen[key] = true
		errs = append(errs, &Error{Line: pos.Line, Col: pos.Column, Msg: msg})
	}
	sort.SliceStable(errs, func(i, j int) bool {
		ei, ej := errs[i].(*Error), errs[j].(*Error)
		if ei.Line != ej.Line {
			return ei.Line < ej.Line
		}
		return ei.Col < ej.Col
	})
	if len(errs) > maxErrors {
		errs = append(errs[:maxErrors], &Error{Line: errs[maxErrors].(*Error).Line, Msg: "too many errors"})
	}
	return errs
}

// unusedResultPositions returns the positions of expressions that are the
// last statement of the function holding the cell's statements
// ([StmtsFunc]): the session shows their value, so "is not used" is not an
// error there. In any other function it is, as for the compiler.
func (a *analysis) unusedResultPositions() map[token.Pos]bool {
	m := make(map[token.Pos]bool)
	for _, d := range a.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Name.Name != StmtsFunc || fd.Body == nil || len(fd.Body.List) == 0 {
			continue
		}
		if es, ok := fd.Body.List[len(fd.Body.List)-1].(*ast.ExprStmt); ok {
			ast.Inspect(es.X, func(n ast.Node) bool {
				if n != nil {
					m[n.Pos()] = true
				}
				return true
			})
		}
	}
	return m
}

// compilerWording rewords the errors that the compiler reports from its
// syntax pass, before type checking, as it does: go/types words them
// otherwise.
func compilerWording(msg string) string {
	switch msg {
	case "continue not in for statement":
		return "continue is not in a loop"
	case "break not in for, switch, or select statement":
		return "break is not in a loop, switch, or select"
	}
	if name, ok := strings.CutPrefix(msg, "label "); ok {
		for from, to := range map[string]string{" declared and not used": " defined and not used", " not declared": " not defined", " already declared": " already defined"} {
			if n, ok := strings.CutSuffix(name, from); ok && !strings.Contains(n, " ") {
				return "label " + n + to
			}
		}
	}
	return msg
}
