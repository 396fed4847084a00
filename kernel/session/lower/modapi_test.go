package lower

import (
	"fmt"
	"go/types"
	"sort"
	"strings"
	"testing"
)

// TestEmbeddedAPI checks that the API embedded for kernels that cannot
// find the module's sources (zmodapi.go) type-checks to the same exported
// API as the sources: same names, same types, same exported fields and
// methods. It fails when zmodapi.go is stale: run go generate.
func TestEmbeddedAPI(t *testing.T) {
	if len(moduleAPI) == 0 {
		t.Fatal("zmodapi.go holds no package: run go generate")
	}
	for path := range moduleAPI {
		dir := moduleDir(path)
		if dir == "" {
			t.Skip("the module's source tree is not there")
		}
		srcImporter.Lock()
		c := currentLocked()
		fromSource, err := importModule(c, path, dir)
		var embedded *types.Package
		var ok bool
		if err == nil {
			embedded, ok = importEmbedded(c, path)
		}
		srcImporter.Unlock()
		if err != nil || !ok {
			t.Fatalf("%s: from source: %v; embedded: %v", path, err, ok)
		}
		if fromSource == embedded {
			t.Fatalf("%s: the source importer returned the embedded package", path)
		}
		want, got := apiOf(fromSource), apiOf(embedded)
		if len(want) == 0 {
			t.Errorf("%s: no exported names", path)
		}
		for name, w := range want {
			if g := got[name]; g != w {
				t.Errorf("%s: %s is %q embedded, %q in the source", path, name, g, w)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s: %s is embedded but not in the source", path, name)
			}
		}
	}
}

// exportedUnderlying spells t, leaving out the unexported fields of a
// struct, which cells cannot use and zmodapi.go leaves out.
func exportedUnderlying(t types.Type, q types.Qualifier) string {
	s, ok := t.(*types.Struct)
	if !ok {
		return types.TypeString(t, q)
	}
	var fields []string
	for i := 0; i < s.NumFields(); i++ {
		if f := s.Field(i); f.Exported() {
			fields = append(fields, f.Name()+" "+types.TypeString(f.Type(), q)+fmt.Sprint(f.Embedded()))
		}
	}
	return "struct{" + strings.Join(fields, "; ") + "}"
}

// apiOf describes the exported objects of pkg and their methods.
func apiOf(pkg *types.Package) map[string]string {
	api := map[string]string{}
	scope := pkg.Scope()
	q := types.RelativeTo(pkg)
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		api[name] = types.ObjectString(obj, q)
		if tn, ok := obj.(*types.TypeName); ok {
			// Comparable too: a cell's == on a struct with hidden fields
			// is checked as the compiler would.
			api[name] = fmt.Sprintf("type %s %s (comparable %v)", name, exportedUnderlying(tn.Type().Underlying(), q), types.Comparable(tn.Type()))
			ms := types.NewMethodSet(types.NewPointer(tn.Type()))
			var names []string
			for i := 0; i < ms.Len(); i++ {
				if m := ms.At(i).Obj(); m.Exported() {
					names = append(names, types.ObjectString(m, q))
				}
			}
			sort.Strings(names)
			for _, m := range names {
				api[name] += "\n" + m
			}
		}
	}
	return api
}
