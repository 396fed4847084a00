package session

import (
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"sync"

	"github.com/traefik/yaegi/interp"
	gen "github.com/traefik/yaegi/stdlib/generic"

	"github.com/gopherlab/gopherlab/kernel/session/lower"
	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
)

// The standard library reaches the interpreter package by package, as cells
// import them: Use copies a package's symbols into the interpreter, and the
// whole library (150-odd packages, some 10,000 symbols) kept about 1 MiB in
// every kernel, most of it for packages no cell imports.

// eagerStd are the packages the interpreter gets at once, besides those
// the session's own symbols replace in part (which must come first): fmt,
// whose key makes yaegi fix the standard streams of fmt, flag, log and os
// (and interpret its generic packages from source: see genericPackages),
// and what those import.
var eagerStd = []string{"fmt", "flag", "log", "os", "unsafe", "sync", "sync/atomic"}

// genericPackages are the packages yaegi interprets from source (its
// stdlib/generic: cmp, maps, slices), which Use compiles when it is given
// fmt: 1.3 MiB of the interpreter's nodes in every kernel. The session
// compiles them when a cell first imports one of them instead.
var genericPackages = map[string]bool{"cmp": true, "maps": true, "slices": true}

// genMu guards yaegi's generic.Sources, which use blanks while a session
// is given fmt.
var genMu sync.Mutex

// stdUse records the standard packages given to an interpreter.
type stdUse struct {
	mu       sync.Mutex
	used     map[string]bool
	generics bool // genericPackages compiled
}

// use gives in the standard library's symbols of the packages paths that
// it does not have yet, with the newer ones of package lower.
func (u *stdUse) use(in *interp.Interpreter, paths ...string) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.used == nil {
		u.used = make(map[string]bool)
	}
	generic := false
	for _, p := range paths {
		generic = generic || genericPackages[p]
	}
	if generic {
		paths = append(paths, "cmp") // what their sources import
	}
	var add []string
	for _, p := range paths {
		if !u.used[p] {
			u.used[p] = true
			add = append(add, p)
		}
	}
	if len(add) > 0 {
		if err := useLater(in, stdlib.Exports(add...)); err != nil {
			return err
		}
		if err := in.Use(lower.SymbolsOf(add...)); err != nil {
			return err
		}
	}
	if generic && !u.generics {
		u.generics = true
		genMu.Lock()
		defer genMu.Unlock()
		for _, src := range gen.Sources {
			if _, err := in.Compile(src); err != nil {
				return err
			}
		}
	}
	return nil
}

// useLater is in.Use(exports) without yaegi's generic packages, which Use
// interprets from source when exports hold fmt (see genericPackages): an
// empty package main takes their place meanwhile.
func useLater(in *interp.Interpreter, exports interp.Exports) error {
	if _, ok := exports["fmt/fmt"]; !ok {
		return in.Use(exports)
	}
	genMu.Lock()
	defer genMu.Unlock()
	saved := gen.Sources
	for i := range gen.Sources {
		gen.Sources[i] = "package main"
	}
	defer func() { gen.Sources = saved }()
	return in.Use(exports)
}

// eagerPaths returns eagerStd and the import paths of the packages the
// layers give symbols of.
func eagerPaths(layers ...interp.Exports) []string {
	paths := append([]string(nil), eagerStd...)
	for _, l := range layers {
		for k := range l {
			if k != "." {
				paths = append(paths, path.Dir(k))
			}
		}
	}
	return paths
}

// useImports gives the interpreter the standard packages src imports.
// Source that does not parse is left to the interpreter to report.
func (s *Session) useImports(src string) error {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		// A cell's statements, without a package clause.
		if f, err = parser.ParseFile(token.NewFileSet(), "", "package main\n"+src, parser.ImportsOnly); err != nil {
			return nil
		}
	}
	var paths []string
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil {
			paths = append(paths, p)
		}
	}
	return s.std.use(s.in, paths...)
}
