package lower

import (
	"path"
	"strings"
)

// addedName reports whether msg is go/types' "undefined: pkg.Name" for a
// name that the session adds to an imported package's symbols
// ([AddSymbols]) without the package declaring it, such as the functions
// kernel/worker's rewriting of cells calls (mp.GopherlabTarget_): such a
// use is not an error of the program.
func (a *analysis) addedName(msg string) bool {
	sel, ok := strings.CutPrefix(msg, "undefined: ")
	if !ok {
		return false
	}
	pkg, name, ok := strings.Cut(sel, ".")
	if !ok || strings.Contains(name, ".") {
		return false
	}
	for p, n := range a.imports {
		if n != pkg {
			continue
		}
		extraSymbols.RLock()
		_, found := extraSymbols.m[p+"/"+path.Base(p)][name]
		if !found {
			_, found = extraSymbols.m[p+"/"+n][name]
		}
		extraSymbols.RUnlock()
		if found {
			return true
		}
	}
	return false
}
