package worker

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"reflect"
	"strconv"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/session/lower"
)

// mainRenamed is what a notebook's func main is called in a child, so that
// rebuilding the declarations does not run the program again.
const mainRenamed = "gopherlabMain_"

// Notebook is the notebook's declarations rebuilt in a child process.
type Notebook struct {
	in *interp.Interpreter
}

// Build evaluates the declarations src (a Go file of package main, as
// session.Source returns it, or as [Lower] prepared it) in a new
// interpreter with the standard library and the given symbols (kernel/symbols
// for runtime/mp and kernel/display). No statement of the notebook runs:
// package-level variables start as zero values (their initialisers are
// removed; mp sets those the target uses to the parent's values), and
// neither func main nor the init functions run. os.Exit and log.Fatal end
// the process as in a Go program, and the interpreter's report of a panic
// goes to [Trace] instead of standard error.
func Build(src string, symbols ...interp.Exports) (nb *Notebook, err error) {
	defer func() {
		if r := recover(); r != nil {
			nb, err = nil, fmt.Errorf("worker: rebuild the notebook's declarations: the interpreter failed: %v", r)
		}
	}()
	if !strings.HasPrefix(src, loweredMark) {
		if src, err = Lower(src); err != nil {
			return nil, err
		}
	}
	helpers, out, _ := strings.Cut(strings.TrimPrefix(src, loweredMark), helpersEnd)
	in := interp.New(interp.Options{Stderr: panicLines})
	paths := imports(helpers, out)
	if err := useStdlib(in, paths, helpers, out); err != nil {
		return nil, fmt.Errorf("worker: load standard library: %w", err)
	}
	if err := in.Use(exits(paths)); err != nil {
		return nil, fmt.Errorf("worker: load standard library: %w", err)
	}
	for _, s := range symbols {
		// Only the imported packages: yaegi copies every symbol it is given.
		// And yaegi's hooks (kernel/symbols' conversion hook, which the
		// markers in package mp's symbols need).
		use := interp.Exports{}
		for k, v := range s {
			if paths[path.Dir(k)] != nil || path.Dir(k) == yaegiModule {
				use[k] = v
			}
		}
		if err := in.Use(use); err != nil {
			return nil, fmt.Errorf("worker: load symbols: %w", err)
		}
	}
	if err := in.Use(Symbols); err != nil {
		return nil, fmt.Errorf("worker: load symbols: %w", err)
	}
	fmtShim, err := installFmt(in, helpers+out)
	if err != nil {
		return nil, fmt.Errorf("worker: load fmt: %w", err)
	}
	if strings.TrimSpace(helpers) != "" {
		if _, err := in.Eval(helpers); err != nil {
			return nil, fmt.Errorf("worker: rebuild the notebook: %w", err)
		}
	}
	if strings.TrimSpace(out) != "" {
		lines := parseLineMarks(out)
		panicLines.setLines(lines)
		if _, err := in.Eval(out); err != nil {
			return nil, fmt.Errorf("mp: a child process cannot rebuild the notebook's declarations: %s", lines.message(err))
		}
		if fmtShim {
			registerFmt(in, out)
		}
	}
	return &Notebook{in: in}, nil
}

// yaegiModule is yaegi's module path: symbols under it are hooks.
const yaegiModule = "github.com/traefik/yaegi"

// Marks of a source prepared by Lower.
const (
	loweredMark = "//gopherlab:lowered\n"
	helpersEnd  = "\n//gopherlab:helpers-end\n"
)

// Lower prepares the declarations src for [Build]: it renames func main
// and the init functions, removes the initialisers of package-level
// variables (a child gets their values from its parent instead: no
// statement of a cell runs again), rewrites go statements so that a
// goroutine's panic reads as Go's, lowers what yaegi cannot run
// (kernel/session/lower) and marks process targets ([Rewrite]), keeping
// every line at its number. The launcher does it once per version of the
// declarations, in the kernel, where the type information lowering needs is
// already loaded, so that workers start fast. Imports of slices, maps, cmp
// and iter that lowering left unused are dropped: loading those packages in
// a child means compiling yaegi's generic sources (see useStdlib).
func Lower(src string) (string, error) { return lowerDecls(src, nil) }

// lowerDecls is Lower; typeOf gives the type of a variable declared
// without one when go/types cannot (see stripInitialisers).
func lowerDecls(src string, typeOf func(name string) string) (string, error) {
	src, err := renameEntryPoints(src)
	if err != nil {
		return "", err
	}
	src = hideLineDirectives(goStatements(stripInitialisers(src, typeOf)))
	// The session keeps the cells' declarations as written: the calls
	// whose errors they drop are wrapped here, for the children, with the
	// lines the //line directives give (RewriteCell wraps them in the
	// kernel).
	src = wrapUncheckedAt(src, src, parseLineMarks(src).where)
	if strings.TrimSpace(src) == "" {
		return loweredMark + helpersEnd, nil
	}
	out, helpers, err := lower.Rewrite([]byte(src), nil)
	if err != nil {
		return "", fmt.Errorf("worker: rebuild the notebook: %w", err)
	}
	return loweredMark + string(helpers) + helpersEnd + dropUnusedImports(Rewrite(string(out), src)), nil
}

// sourcePackages are the packages yaegi v0.16.1 builds from generic source
// when it loads the standard library.
var sourcePackages = map[string]bool{"slices": true, "maps": true, "cmp": true, "iter": true}

// dropUnusedImports blanks out the imports of [sourcePackages] that src
// does not use, keeping every other byte (and so every position) in place.
func dropUnusedImports(src string) string {
	if !strings.Contains(src, `"slices"`) && !strings.Contains(src, `"maps"`) &&
		!strings.Contains(src, `"cmp"`) && !strings.Contains(src, `"iter"`) {
		return src
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "notebook.go", src, parser.SkipObjectResolution)
	if err != nil {
		return src // Build reports the error
	}
	used := map[string]bool{} // names before a dot
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	b := []byte(src)
	blank := func(from, to token.Pos) {
		for i := fset.Position(from).Offset; i < fset.Position(to).Offset; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	for _, d := range f.Decls {
		d, ok := d.(*ast.GenDecl)
		if !ok || d.Tok != token.IMPORT {
			continue
		}
		var drop []*ast.ImportSpec
		for _, s := range d.Specs {
			is := s.(*ast.ImportSpec)
			p, err := strconv.Unquote(is.Path.Value)
			name := p
			if is.Name != nil {
				name = is.Name.Name // "." and "_" are never before a dot: they stay
			}
			if err == nil && sourcePackages[p] && name != "." && name != "_" && !used[name] {
				drop = append(drop, is)
			}
		}
		if len(drop) == len(d.Specs) && len(drop) > 0 {
			blank(d.Pos(), d.End())
			continue
		}
		for _, is := range drop {
			blank(is.Pos(), is.End())
		}
	}
	return string(b)
}

// useStdlib loads into in the packages of the standard library in paths
// (those the sources srcs import), with the names kernel/session/lower
// adds to yaegi's (lower.Symbols), as the session's interpreter has them.
//
// Loading all of stdlib.Symbols copies some 150 packages' symbol
// maps into the interpreter, and the "fmt/fmt" key triggers compiling
// yaegi's generic sources (slices, maps, cmp, iter, sync.OnceFunc,
// atomic.Pointer): together the better part of a cold worker's start. A
// child loads everything only when the sources still use those generic
// packages or names after lowering; otherwise it loads the packages they
// import, fmt under an equivalent key that does not trigger the generic
// sources (a child's output is its own standard output anyway).
func useStdlib(in *interp.Interpreter, paths map[string][]string, srcs ...string) error {
	generic := false
	for p, names := range paths {
		generic = generic || sourcePackages[p]
		for _, name := range names {
			for _, src := range srcs {
				switch {
				case p == "sync" && (strings.Contains(src, name+".OnceFunc") || strings.Contains(src, name+".OnceValue")),
					p == "sync/atomic" && strings.Contains(src, name+".Pointer"):
					generic = true
				}
			}
		}
	}
	if generic {
		if err := in.Use(stdlib.Symbols()); err != nil {
			return err
		}
		return in.Use(lower.Symbols())
	}
	// Only the imported packages' symbol maps are built.
	list := make([]string, 0, len(paths))
	for p := range paths {
		list = append(list, p)
	}
	use := stdlib.Exports(list...)
	if v, ok := use["fmt/fmt"]; ok {
		delete(use, "fmt/fmt")
		use["fmt/./fmt"] = v // same package, but not the key that triggers the generic sources
	}
	if err := in.Use(use); err != nil {
		return err
	}
	return in.Use(lower.SymbolsOf(list...))
}

// imports returns the import paths of the Go files srcs, each with the
// names it is imported under. A source that does not parse yields the
// imports before the error: evaluating it reports the error with its
// position.
func imports(srcs ...string) map[string][]string {
	paths := map[string][]string{}
	fset := token.NewFileSet()
	for _, src := range srcs {
		if strings.TrimSpace(src) == "" {
			continue
		}
		f, _ := parser.ParseFile(fset, "notebook.go", src, parser.ImportsOnly|parser.SkipObjectResolution)
		if f == nil {
			continue
		}
		for _, is := range f.Imports {
			p, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				continue
			}
			name := path.Base(p) // the package name, but for math/rand/v2 and the like
			if is.Name != nil {
				name = is.Name.Name
			}
			paths[p] = append(paths[p], name)
		}
	}
	return paths
}

// Lookup returns the function a child runs for name, as [Resolve] named it:
// a top-level function of the notebook or a function of an imported package.
func (nb *Notebook) Lookup(name string) (reflect.Value, error) {
	if name == "main" {
		name = mainRenamed
	}
	v, err := nb.in.Eval(name)
	if err != nil {
		return reflect.Value{}, fmt.Errorf("worker: find %s in the notebook's declarations: %w "+
			"(was the cell declaring it changed or removed since the process was created?)", name, err)
	}
	if !v.IsValid() || v.Kind() != reflect.Func {
		return reflect.Value{}, fmt.Errorf("worker: %s is not a function in the notebook's declarations", name)
	}
	return v, nil
}
