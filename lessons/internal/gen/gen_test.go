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
