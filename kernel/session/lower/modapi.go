package lower

import (
	"go/ast"
	"go/parser"
	"go/types"
)

//go:generate go run ./internal/genmodapi

// importEmbedded type-checks a package of the module from its exported API
// in moduleAPI (zmodapi.go), for a kernel that cannot find the module's
// sources (built with -trimpath, and the source tree it recorded moved or
// deleted: see kernel/internal/srctree). Without it,
// cells that use runtime/mp or kernel/display there would be checked as
// "anything goes": no compiler-quality errors for them, and no lowering of
// what needs their types (range over an iterator of package mp). It reports
// false for a path moduleAPI does not hold. The caller holds srcImporter's
// lock.
func importEmbedded(c *importCache, path string) (*types.Package, bool) {
	src, ok := moduleAPI[path]
	if !ok {
		return nil, false
	}
	f, err := parser.ParseFile(c.fset, path+"/api.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, false
	}
	files := []*ast.File{f}
	conf := types.Config{
		Importer:         lockedImporter{c},
		IgnoreFuncBodies: true,
		FakeImportC:      true,
		Error:            func(error) {}, // the package compiled: ignore what the checker misses
	}
	pkg, _ := conf.Check(path, c.fset, files, nil)
	return pkg, true
}
