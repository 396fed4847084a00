package lower

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestForget: after Forget a cell is checked as before, against packages
// imported again (a new generation), and a check that holds the old
// generation's importer still completes with it.
func TestForget(t *testing.T) {
	const mp = "github.com/gopherlab/gopherlab/runtime/mp"
	cell := []byte("package main\n\nimport (\n\t\"fmt\"\n\t\"" + mp + "\"\n)\n\nfunc main() {\n\tv := mp.NewValue(\"i\", 0)\n\tfmt.Println(v.Load() + \"x\")\n}\n")
	first := Check(cell, nil)
	if len(first) != 1 {
		t.Fatalf("Check before Forget: %v, want the mismatched types error", first)
	}
	old := newImporter()
	oldFmt, err := old.Import("fmt")
	if err != nil {
		t.Fatal(err)
	}
	Forget()
	if again := Check(cell, nil); len(again) != 1 || again[0].Error() != first[0].Error() {
		t.Errorf("Check after Forget: %v, want %v", again, first)
	}
	newFmt, err := newImporter().Import("fmt")
	if err != nil {
		t.Fatal(err)
	}
	if newFmt == oldFmt {
		t.Error("fmt after Forget is the package imported before: nothing was forgotten")
	}
	if p, err := old.Import("fmt"); err != nil || p != oldFmt {
		t.Errorf("the old generation's importer gave %p, %v after Forget, want its own fmt %p", p, err, oldFmt)
	}
}

// TestExportsFileSaved: a kernel saves what go list told it, and the next
// one (another process: here the same one with its memory cleared) reads
// it instead of running go list; an export data file gone from the build
// cache is listed again.
func TestExportsFileSaved(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	srcImporter.Lock()
	defer srcImporter.Unlock()
	saved := exportFiles
	defer func() { exportFiles, exportsLoaded = saved, false }()

	fresh := func() {
		exportFiles, exportsLoaded = map[string]string{}, false
	}
	fresh()
	before := goListRuns
	if r, err := lookupExport("strings"); err != nil {
		t.Fatal(err)
	} else {
		r.Close()
	}
	if goListRuns != before+1 {
		t.Fatalf("first kernel: %d go list runs, want 1", goListRuns-before)
	}
	if _, err := os.Stat(exportsFile()); err != nil {
		t.Fatalf("no file of exports saved: %v", err)
	}

	fresh()
	before = goListRuns
	for _, p := range []string{"strings", "unicode", "errors"} { // strings and its dependencies
		r, err := lookupExport(p)
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	if goListRuns != before {
		t.Errorf("next kernel: %d go list runs for packages listed before, want 0", goListRuns-before)
	}

	// A saved entry whose file is gone: listed again.
	fresh()
	loadExportsLocked()
	exportFiles["strings"] = filepath.Join(t.TempDir(), "gone")
	before = goListRuns
	r, err := lookupExport("strings")
	if err != nil {
		t.Fatalf("lookup after the export data went: %v", err)
	}
	r.Close()
	if goListRuns != before+1 {
		t.Errorf("%d go list runs for an export file gone, want 1", goListRuns-before)
	}
}
