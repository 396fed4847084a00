package lesson

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, src, wantErr string
		sections, tries    int
	}{
		{name: "md zh code", src: "-- md --\nHi\n-- zh --\n你好\n-- code --\n1+1\n-- code raises-exception --\nx\n", sections: 3},
		{name: "markdown without zh", src: "-- md --\nHi\n-- code --\n1\n", wantErr: "no zh translation"},
		{name: "zh without md", src: "-- code --\n1\n-- zh --\n你好\n", wantErr: "must follow an md section"},
		{name: "two zh", src: "-- md --\nHi\n-- zh --\n你好\n-- zh --\n再见\n", wantErr: "must follow an md section"},
		{name: "unknown section", src: "-- mdx --\nHi\n", wantErr: `unknown section "mdx"`},
		{name: "empty section", src: "-- md --\n\n-- zh --\nx\n", wantErr: "line 1: empty section"},
		{name: "text before", src: "hello\n-- code --\n1\n", wantErr: "text before the first section"},
		{name: "texts", src: "-- md --\nHi\n-- zh --\n你好\n-- code --\nx := 1 // «one|一»\n-- code --\n2\n", sections: 3},
		{name: "text without bar", src: "-- code --\nx // «one»\n", wantErr: "without | between"},
		{name: "unclosed text", src: "-- code --\nx // one|一»\n", wantErr: "» without «"},
		{name: "try", src: "-- md --\nHi\n-- zh --\n你好\n-- code --\nx := 1\n-- code --\n2\n-- try 1 timeout=2s --\n<<<\nx := 1\n===\nx := 2\n>>>\n", sections: 3, tries: 1},
		{name: "try of nothing", src: "-- code --\nx := 1\n-- try 1 --\n<<<\ny\n===\nz\n>>>\n", wantErr: "no code cell holds"},
		{name: "try twice found", src: "-- code --\nx\n-- code --\nx\n-- try 1 --\n<<<\nx\n===\nz\n>>>\n", wantErr: "more than one cell is"},
		{name: "try unclosed", src: "-- code --\nx\n-- try 1 --\n<<<\nx\n===\nz\n", wantErr: "needs <<<, === and >>>"},
		{name: "try option", src: "-- code --\nx\n-- try 1 fast --\n<<<\nx\n===\nz\n>>>\n", wantErr: `unknown option "fast"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Parse("x", tt.src)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Sections) != tt.sections || len(l.Tries) != tt.tries {
				t.Fatalf("%d sections and %d tries, want %d and %d", len(l.Sections), len(l.Tries), tt.sections, tt.tries)
			}
			en, zh := l.Notebook("en"), l.Notebook("zh")
			if en.Cells[0].Source != "Hi" || zh.Cells[0].Source != "你好" {
				t.Errorf("editions: en %q, zh %q", en.Cells[0].Source, zh.Cells[0].Source)
			}
		})
	}
}

// TestLocalize checks that each edition gets its own words and the same code.
func TestLocalize(t *testing.T) {
	code := `fmt.Println("«a | b|甲|乙»", x) // «the end|结束»`
	if got := Localize(code, "en"); got != `fmt.Println("a ", x) // the end` {
		t.Errorf("en: %q", got)
	}
	if got := Localize(code, "zh"); got != `fmt.Println(" b|甲|乙", x) // 结束` {
		t.Errorf("zh: %q", got)
	}
}

// TestWithTry checks that a try's edits apply to the code cells, split a
// cell where asked, and leave the lesson itself alone.
func TestWithTry(t *testing.T) {
	src := "-- md --\nHi\n-- zh --\n你好\n-- code --\na := 1\nb := 2\n-- code --\nc := 3\n" +
		"-- try 1 timeout=3s --\n<<<\nb := 2\n===\nb := 20\n--- cell ---\nd := 4\n>>>\n<<<\nc := 3\n===\nc := «30|三十»\n>>>\n"
	l, err := Parse("x", src)
	if err != nil {
		t.Fatal(err)
	}
	v, err := l.WithTry(1)
	if err != nil {
		t.Fatal(err)
	}
	if tr := l.Try(1); tr == nil || tr.Timeout != 3*time.Second {
		t.Errorf("try 1 = %+v, want a 3 s timeout", tr)
	}
	var got []string
	for _, c := range v.Notebook("zh").Cells[1:] {
		got = append(got, c.Source)
	}
	if want := []string{"a := 1\nb := 20", "d := 4", "c := 三十"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("cells after the try: %q, want %q", got, want)
	}
	ids := map[string]bool{}
	for _, c := range v.Notebook("en").Cells {
		if ids[c.ID] {
			t.Errorf("two cells with id %s", c.ID)
		}
		ids[c.ID] = true
	}
	if len(l.Sections) != 3 || l.Sections[1].En != "a := 1\nb := 2" {
		t.Errorf("the lesson itself changed: %+v", l.Sections)
	}
}
