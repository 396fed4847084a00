package lower

import (
	"bufio"
	"go/ast"
	"go/build"
	"go/parser"
	"go/types"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/gopherlab/gopherlab/kernel/internal/srctree"
)

// The packages of this module (runtime/mp, kernel/display) and of its
// dependencies are compiled into the kernel. When their sources are where
// the kernel was built from, cells that import them are type-checked
// against them; otherwise imports of them stay "anything goes".

var module struct {
	once sync.Once
	path string            // module path, "" when the source tree is absent
	root string            // directory of go.mod
	deps map[string]string // module path of a dependency to its directory
}

func loadModule() {
	root := srctree.Dir()
	if root == "" {
		return
	}
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "module ") {
			module.path = strings.Trim(strings.TrimSpace(strings.TrimPrefix(line, "module ")), `"`)
			break
		}
	}
	module.root = root
	module.deps = make(map[string]string)
	modcache := os.Getenv("GOMODCACHE")
	if modcache == "" {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			gopath = build.Default.GOPATH
		}
		modcache = filepath.Join(strings.Split(gopath, string(os.PathListSeparator))[0], "pkg", "mod")
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Replace != nil {
				d = d.Replace
			}
			if filepath.IsAbs(d.Path) || d.Version == "" {
				continue
			}
			module.deps[d.Path] = filepath.Join(modcache, escapeModulePath(d.Path)+"@"+d.Version)
		}
	}
}

// escapeModulePath escapes upper case letters as the module cache does.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// moduleDir returns the source directory of a non-standard package compiled
// into the kernel, or "".
func moduleDir(path string) string {
	module.once.Do(loadModule)
	if module.path == "" {
		return ""
	}
	if path == module.path || strings.HasPrefix(path, module.path+"/") {
		return filepath.Join(module.root, filepath.FromSlash(strings.TrimPrefix(path, module.path)))
	}
	best := ""
	for mp := range module.deps {
		if (path == mp || strings.HasPrefix(path, mp+"/")) && len(mp) > len(best) {
			best = mp
		}
	}
	if best == "" {
		return ""
	}
	return filepath.Join(module.deps[best], filepath.FromSlash(strings.TrimPrefix(path, best)))
}

// importModule type-checks the exported API of a package of the module or
// of one of its dependencies from source (function bodies are skipped).
// The caller holds srcImporter's lock.
func importModule(c *importCache, path, dir string) (*types.Package, error) {
	bp, err := build.Default.ImportDir(dir, 0)
	if err != nil {
		return nil, err
	}
	listStdImports(c, bp)
	fset := c.fset
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	conf := types.Config{
		Importer:         lockedImporter{c},
		IgnoreFuncBodies: true,
		FakeImportC:      true,
		Error:            func(error) {}, // the package compiled: ignore what the checker misses
	}
	pkg, _ := conf.Check(path, fset, files, nil)
	return pkg, nil
}

// listStdImports lists, with one go list, the standard library packages
// that bp and the packages of the module it imports import and that are not
// listed yet: checking runtime/mp from source otherwise ran one go list per
// import (14). srcImporter's lock is held.
func listStdImports(c *importCache, bp *build.Package) {
	var std []string
	seen := map[string]bool{}
	var walk func(bp *build.Package)
	walk = func(bp *build.Package) {
		for _, imp := range bp.Imports {
			if seen[imp] {
				continue
			}
			seen[imp] = true
			if isStd(imp) {
				if exportFiles[imp] == "" && c.pkgs[imp] == nil && c.errs[imp] == nil {
					std = append(std, imp)
				}
			} else if dir := moduleDir(imp); dir != "" && c.pkgs[imp] == nil {
				if sub, err := build.Default.ImportDir(dir, 0); err == nil {
					walk(sub)
				}
			}
		}
	}
	loadExportsLocked()
	walk(bp)
	if len(std) > 0 {
		listExports(std...)
	}
}

// lockedImporter imports for a package being checked by importModule,
// with srcImporter's lock already held.
type lockedImporter struct{ c *importCache }

func (i lockedImporter) Import(path string) (*types.Package, error) {
	return importLocked(i.c, path)
}
