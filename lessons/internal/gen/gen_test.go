package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/notebook"
)

// TestUpToDate fails when a lesson notebook does not match its source: edit
// internal/gen/src, never the notebooks, and run go generate ./lessons.
func TestUpToDate(t *testing.T) {
	stale, err := generate("src", "../..", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("notebooks out of date with their sources (run go generate ./lessons): %s", strings.Join(stale, ", "))
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, src, wantErr string
		sections           int
	}{
		{name: "md zh code", src: "-- md --\nHi\n-- zh --\n你好\n-- code --\n1+1\n-- code raises-exception --\nx\n", sections: 3},
		{name: "markdown without zh", src: "-- md --\nHi\n-- code --\n1\n", wantErr: "no zh translation"},
		{name: "zh without md", src: "-- code --\n1\n-- zh --\n你好\n", wantErr: "must follow an md section"},
		{name: "two zh", src: "-- md --\nHi\n-- zh --\n你好\n-- zh --\n再见\n", wantErr: "must follow an md section"},
		{name: "unknown section", src: "-- mdx --\nHi\n", wantErr: `unknown section "mdx"`},
		{name: "empty section", src: "-- md --\n\n-- zh --\nx\n", wantErr: "line 1: empty section"},
		{name: "text before", src: "hello\n-- code --\n1\n", wantErr: "text before the first section"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := parse("x", tt.src)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(l.sections) != tt.sections {
				t.Fatalf("%d sections, want %d", len(l.sections), tt.sections)
			}
			en, zh := l.notebook("en"), l.notebook("zh")
			if en.Cells[0].Source != "Hi" || zh.Cells[0].Source != "你好" || en.Cells[1].Source != zh.Cells[1].Source {
				t.Errorf("editions: en %q, zh %q", en.Cells[0].Source, zh.Cells[0].Source)
			}
			if !en.Cells[2].HasTag("raises-exception") || en.Cells[1].HasTag("raises-exception") {
				t.Errorf("tags: %v %v", en.Cells[1].Tags(), en.Cells[2].Tags())
			}
		})
	}
}

// TestKeepOutputs checks that regenerating keeps the outputs of unchanged
// code cells and drops those of edited ones.
func TestKeepOutputs(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.Mkdir(src, 0o755)
	write := func(text string) {
		if err := os.WriteFile(filepath.Join(src, "01-x.txt"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("-- md --\nA\n-- zh --\n甲\n-- code --\n1+1\n-- code --\n2+2\n")
	if _, err := generate(src, dir, false); err != nil {
		t.Fatal(err)
	}
	// Pretend a run filled in outputs.
	for _, name := range []string{"01-x.ipynb", "zh/01-x.ipynb"} {
		path := filepath.Join(dir, name)
		nb, err := notebook.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range nb.Cells {
			if c.Type == notebook.Code {
				c.ExecutionCount = i
				c.Outputs = []*notebook.Output{{Type: notebook.Stream, Name: "stdout", Text: "ran\n"}}
			}
		}
		if err := notebook.WriteFile(path, nb); err != nil {
			t.Fatal(err)
		}
	}
	if stale, err := generate(src, dir, true); err != nil || len(stale) != 0 {
		t.Fatalf("after a run: stale %v, err %v; want nothing to regenerate", stale, err)
	}
	write("-- md --\nA\n-- zh --\n甲\n-- code --\n1+1\n-- code --\n3+3\n")
	if _, err := generate(src, dir, false); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "zh", "01-x.ipynb"))
	if n := strings.Count(string(data), `"ran\n"`); n != 1 {
		t.Errorf("%d cells kept their output, want 1 (the unchanged one):\n%s", n, data)
	}
}
