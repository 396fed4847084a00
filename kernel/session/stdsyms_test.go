package session

import (
	"strings"
	"testing"
)

// TestStdPackagesOnImport: a session gives the interpreter a standard
// package, and compiles yaegi's generic packages (cmp, maps, slices), only
// when a cell imports it, and then the cell runs as with all of them given
// at once.
func TestStdPackagesOnImport(t *testing.T) {
	s := newTestSession(t)
	s.std.mu.Lock()
	generics, csv := s.std.generics, s.std.used["encoding/csv"]
	s.std.mu.Unlock()
	if generics || csv {
		t.Fatalf("a new session has the generic packages (%v) or encoding/csv (%v)", generics, csv)
	}
	_, rec := mustRun(t, s, "import (\n\t\"encoding/csv\"\n\t\"fmt\"\n\t\"maps\"\n\t\"slices\"\n\t\"strings\"\n)\n\nm := map[string]int{\"b\": 2, \"a\": 1}\nr := csv.NewReader(strings.NewReader(\"x,y\\n\"))\nrow, _ := r.Read()\nfmt.Println(slices.Sorted(maps.Keys(m)), row)")
	if out, _ := rec.out(); strings.TrimSpace(out) != "[a b] [x y]" {
		t.Errorf("output %q, want [a b] [x y]", out)
	}
	s.std.mu.Lock()
	generics, csv = s.std.generics, s.std.used["encoding/csv"]
	s.std.mu.Unlock()
	if !generics || !csv {
		t.Errorf("after the cell: generic packages %v, encoding/csv %v; want both", generics, csv)
	}
}
