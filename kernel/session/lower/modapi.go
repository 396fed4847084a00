package lower

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"
)

//go:generate go run ./internal/genmodapi

// importEmbedded type-checks a package of the module from the declarations
// in moduleAPI (zmodapi.go), for a kernel that cannot find the module's
// sources: one built with -trimpath, as install.sh builds it. Without it,
// cells that use runtime/mp or kernel/display there would be checked as
// "anything goes": no compiler-quality errors for them, and no lowering of
// what needs their types (range over an iterator of package mp). It reports
// false for a path moduleAPI does not hold. The caller holds srcImporter's
// lock.
func importEmbedded(path string) (*types.Package, bool) {
	srcs, ok := moduleAPI[path]
	if !ok {
		return nil, false
	}
	var files []*ast.File
	for i, src := range srcs {
		f, err := parser.ParseFile(srcImporter.fset, fmt.Sprintf("%s/api%d.go", path, i), src, parser.SkipObjectResolution)
		if err != nil {
			return nil, false
		}
		files = append(files, f)
	}
	conf := types.Config{
		Importer:         lockedImporter{},
		IgnoreFuncBodies: true,
		FakeImportC:      true,
		Error:            func(error) {}, // the package compiled: ignore what the checker misses
	}
	pkg, _ := conf.Check(path, srcImporter.fset, files, nil)
	return pkg, true
}
