package lower

import (
	"go/token"
	"go/types"
	"os/exec"
	"testing"
)

// TestPreloadAfterACell: a cell that imports a package before the kernel's
// Preload runs (a busy machine) makes Preload list the others all at once,
// not with one go list each.
func TestPreloadAfterACell(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	later := []string{"net/mail", "encoding/csv", "compress/lzw", "index/suffixarray", "hash/adler32"}
	// Not what this machine's kernels listed before (the file of exports).
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	srcImporter.Lock()
	exportsLoaded = true // the empty cache directory has nothing to load
	c := currentLocked()
	for _, p := range later {
		if exportFiles[p] != "" || c.pkgs[p] != nil {
			srcImporter.Unlock()
			t.Skipf("%s was imported by an earlier test", p)
		}
	}
	srcImporter.Unlock()
	if _, err := newImporter().Import("unicode/utf16"); err != nil { // the cell's import
		t.Fatal(err)
	}
	srcImporter.Lock()
	before := goListRuns
	srcImporter.Unlock()
	Preload(later...)
	srcImporter.Lock()
	runs := goListRuns - before
	srcImporter.Unlock()
	if runs > 1 {
		t.Errorf("Preload of %d packages after a cell's import ran go list %d times, want 1", len(later), runs)
	}
	for _, p := range later {
		if _, err := newImporter().Import(p); err != nil {
			t.Errorf("import %s after Preload: %v", p, err)
		}
	}
}

// TestModuleImportLists: type-checking runtime/mp from its source lists
// the standard library packages each package of the module imports with
// one go list, not one per import.
func TestModuleImportLists(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	const mp = "github.com/gopherlab/gopherlab/runtime/mp"
	if moduleDir(mp) == "" {
		t.Skip("the module's source tree is not there")
	}
	// A generation of its own: what earlier tests imported is not there.
	c := &importCache{fset: token.NewFileSet(), pkgs: map[string]*types.Package{}, errs: map[string]error{}}
	srcImporter.Lock()
	c.imp = chooseImporter(c.fset)
	before := goListRuns
	_, err := importModule(c, mp, moduleDir(mp))
	runs := goListRuns - before
	srcImporter.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("go list ran %d times to check runtime/mp from source", runs)
	if runs > 3 {
		t.Errorf("go list ran %d times to check runtime/mp from source, want at most one per package of the module (3)", runs)
	}
}
