package worker

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"reflect"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

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
// for runtime/mp and kernel/display). Package-level variables are
// initialised by their initialisers, as Python re-runs a module's top level
// in a spawned child; the cells' statements do not run, and neither does a
// func main.
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
	in := interp.New(interp.Options{})
	if err := useStdlib(in, helpers, out); err != nil {
		return nil, fmt.Errorf("worker: load standard library: %w", err)
	}
	for _, s := range symbols {
		if err := in.Use(s); err != nil {
			return nil, fmt.Errorf("worker: load symbols: %w", err)
		}
	}
	if err := in.Use(Symbols); err != nil {
		return nil, fmt.Errorf("worker: load symbols: %w", err)
	}
	if strings.TrimSpace(helpers) != "" {
		if _, err := in.Eval(helpers); err != nil {
			return nil, fmt.Errorf("worker: rebuild the notebook: %w", err)
		}
	}
	if strings.TrimSpace(out) != "" {
		if _, err := in.Eval(out); err != nil {
			return nil, fmt.Errorf("worker: rebuild the notebook's declarations: %w", err)
		}
	}
	return &Notebook{in: in}, nil
}

// Marks of a source prepared by Lower.
const (
	loweredMark = "//gopherlab:lowered\n"
	helpersEnd  = "\n//gopherlab:helpers-end\n"
)

// Lower prepares the declarations src for [Build]: it renames func main,
// lowers what yaegi cannot run (kernel/session/lower) and marks process
// targets ([Rewrite]). The launcher does it once per version of the
// declarations, in the kernel, where the type information lowering needs is
// already loaded, so that workers start fast.
func Lower(src string) (string, error) {
	src, err := prepare(src)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(src) == "" {
		return loweredMark + helpersEnd, nil
	}
	out, helpers, err := lower.Rewrite([]byte(src), nil)
	if err != nil {
		return "", fmt.Errorf("worker: rebuild the notebook: %w", err)
	}
	return loweredMark + string(helpers) + helpersEnd + Rewrite(string(out), src), nil
}

// useStdlib loads into in the packages of the standard library that the
// sources import, with the names kernel/session/lower adds to yaegi's
// (lower.Symbols), as the session's interpreter has them.
//
// Loading all of yaegi's stdlib.Symbols copies some 150 packages' symbol
// maps into the interpreter, and the "fmt/fmt" key triggers compiling
// yaegi's generic sources (slices, maps, cmp, sync.OnceFunc,
// atomic.Pointer): together the better part of a cold worker's start. A
// child loads everything only when the sources use those generic packages;
// otherwise it loads the packages they import, fmt under an equivalent key
// that does not trigger the generic sources (a child's output is its own
// standard output anyway).
func useStdlib(in *interp.Interpreter, srcs ...string) error {
	for _, src := range srcs {
		for _, s := range []string{`"slices"`, `"maps"`, `"cmp"`, `"iter"`, "OnceFunc", "OnceValue", "atomic.Pointer"} {
			if strings.Contains(src, s) {
				if err := in.Use(stdlib.Symbols); err != nil {
					return err
				}
				return in.Use(lower.Symbols)
			}
		}
	}
	paths := imports(srcs...)
	for _, syms := range []interp.Exports{stdlib.Symbols, lower.Symbols} {
		for k, v := range syms {
			// A key is the import path and the package name: math/rand/v2/rand.
			i := strings.LastIndexByte(k, '/')
			if i < 0 || !paths[k[:i]] {
				continue
			}
			if k == "fmt/fmt" {
				k = "fmt/./fmt" // same package, but not the key that triggers the generic sources
			}
			if err := in.Use(interp.Exports{k: v}); err != nil {
				return err
			}
		}
	}
	return nil
}

// imports returns the set of import paths of the Go files srcs. A source
// that does not parse yields the imports before the error: evaluating it
// reports the error with its position.
func imports(srcs ...string) map[string]bool {
	paths := map[string]bool{}
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
			if p, err := strconv.Unquote(is.Path.Value); err == nil {
				paths[p] = true
			}
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

// prepare renames func main in src, so that evaluating the declarations in
// a child does not run it (yaegi runs main whenever package main has one).
func prepare(src string) (string, error) {
	if !strings.Contains(src, "main") {
		return src, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "notebook.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return "", fmt.Errorf("worker: parse the notebook's declarations: %w", err)
	}
	hasMain := false
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			hasMain = true
		}
	}
	if !hasMain {
		return src, nil
	}
	// Rename every use of the name except after a dot (x.main is another
	// name) and in the package clause.
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(n.X, visit)
			return false
		case *ast.Ident:
			if n.Name == "main" {
				n.Name = mainRenamed
			}
		}
		return true
	}
	for _, d := range f.Decls {
		ast.Inspect(d, visit)
	}
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, f); err != nil {
		return "", fmt.Errorf("worker: print the notebook's declarations: %w", err)
	}
	return b.String(), nil
}
