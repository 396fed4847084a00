package session

import "testing"

func TestSplitCell(t *testing.T) {
	for _, tc := range []struct {
		code  string
		kinds []segKind
	}{
		{"import \"fmt\"\nfmt.Println(1)", []segKind{segImport, segStmt}},
		{"func f() {}\nf()", []segKind{segDecl, segStmt}},
		{"func (t T) M() {}\nfunc() {}()", []segKind{segDecl, segStmt}},
		{"func(x int) int { return x }(3)", []segKind{segStmt}},
		{"for i := 0; i < 3; i++ { f(i) }\nvar x = 1", []segKind{segStmt, segStmt}},
		{"const c = 1\nvar (\n\ty = 2\n)", []segKind{segDecl, segStmt}},
		{"package main\nfunc main() {}", []segKind{segPackage, segDecl}},
		{"x := []int{\n1,\n2,\n}\ntype T int", []segKind{segStmt, segDecl}},
		{"// comment only", nil},
	} {
		segs := splitCell([]byte(tc.code))
		if len(segs) != len(tc.kinds) {
			t.Errorf("%q: %d pieces, want %d", tc.code, len(segs), len(tc.kinds))
			continue
		}
		for i, sg := range segs {
			if sg.kind != tc.kinds[i] {
				t.Errorf("%q: piece %d (%q) is %v, want %v", tc.code, i, tc.code[sg.start:sg.end], sg.kind, tc.kinds[i])
			}
		}
	}
}

func TestIsComplete(t *testing.T) {
	for _, tc := range []struct{ code, status, indent string }{
		{"fmt.Println(1)", "complete", ""},
		{"func f() {", "incomplete", "    "},
		{"x := `raw", "incomplete", ""},
		{"/* open", "incomplete", ""},
		{"x := )", "invalid", ""},
		{"'unterminated", "invalid", ""},
		{"x := )(", "invalid", ""},
		{"f(]", "invalid", ""},
		{"x := 1 + / 2", "invalid", ""},
		{"func f() }", "invalid", ""},
		{"if x {} else {} else {}", "invalid", ""},
		{"x := 1 +", "incomplete", ""},
		{"fmt.Println(1,\n2,", "incomplete", "    "},
		{"s := strings.", "incomplete", ""},
		{"x := []int{1,\n2,", "incomplete", "    "},
		{"import \"fmt\"\nfmt.Println(1)", "complete", ""},
		{"func f() {}\nimport \"os\"\nf()", "complete", ""},
		{"package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(1) }", "complete", ""},
		{"for i := range 3 { x += i }", "complete", ""},
		{"type T[E any] struct{ v E }", "complete", ""},
		{"x++", "complete", ""},
		{"// just a comment", "complete", ""},
		{"", "complete", ""},
	} {
		status, indent := isComplete(tc.code)
		if status != tc.status || indent != tc.indent {
			t.Errorf("%q: %q %q, want %q %q", tc.code, status, indent, tc.status, tc.indent)
		}
	}
}
