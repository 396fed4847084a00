package lower

import (
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
	srcImporter.Lock()
	for _, p := range later {
		if exportFiles[p] != "" || srcImporter.pkgs[p] != nil {
			srcImporter.Unlock()
			t.Skipf("%s was imported by an earlier test", p)
		}
	}
	srcImporter.Unlock()
	if _, err := (stdImporter{}).Import("unicode/utf16"); err != nil { // the cell's import
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
		if _, err := (stdImporter{}).Import(p); err != nil {
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
	srcImporter.Lock()
	if srcImporter.pkgs[mp] != nil {
		srcImporter.Unlock()
		t.Skip("runtime/mp was imported by an earlier test")
	}
	before := goListRuns
	srcImporter.Unlock()
	if _, err := (stdImporter{}).Import(mp); err != nil {
		t.Fatal(err)
	}
	srcImporter.Lock()
	runs := goListRuns - before
	srcImporter.Unlock()
	t.Logf("go list ran %d times to check runtime/mp from source", runs)
	if runs > 3 {
		t.Errorf("go list ran %d times to check runtime/mp from source, want at most one per package of the module (3)", runs)
	}
}
