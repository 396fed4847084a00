package lower

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRewrite checks that no input panics Rewrite or Check and that
// Rewrite keeps every line in place. The seed corpus is the cells of
// testdata/*.txt plus testdata/fuzz/FuzzRewrite.
func FuzzRewrite(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, file := range files {
		c := readCaseFile(file)
		f.Add([]byte(c["cell"]), []byte(c["context"]))
	}
	f.Add([]byte("package main\nfunc main() { for i := range 3 { _ = i } }\n"), []byte(nil))
	// Import the heavy packages of the seeds before fuzzing: a first import
	// of runtime/mp from source can take longer than the fuzzing engine
	// waits for one input.
	Preload("fmt", "slices", "maps", "strings", "github.com/gopherlab/gopherlab/runtime/mp")
	recoverPanics = false
	defer func() { recoverPanics = true }()
	f.Fuzz(func(t *testing.T, cell, context []byte) {
		var ctx [][]byte
		if len(context) > 0 {
			ctx = [][]byte{context}
		}
		out, _, err := Rewrite(cell, ctx)
		if err == nil && bytes.Count(out, []byte("\n")) != bytes.Count(cell, []byte("\n")) {
			t.Errorf("Rewrite moved lines:\n%s\n=>\n%s", cell, out)
		}
		for _, e := range Check(cell, ctx) {
			if _, ok := e.(*Error); !ok {
				t.Errorf("Check returned %T, want *Error", e)
			}
		}
	})
}

func readCaseFile(file string) testCase {
	c := make(testCase)
	data, err := os.ReadFile(file)
	if err != nil {
		return c
	}
	name := ""
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		s := string(line)
		if len(s) > 6 && s[:3] == "-- " && bytes.HasSuffix(bytes.TrimSpace(line), []byte(" --")) {
			name = string(bytes.TrimSuffix(bytes.TrimPrefix(bytes.TrimSpace(line), []byte("-- ")), []byte(" --")))
			c[name] = ""
			continue
		}
		if name != "" {
			c[name] += s
		}
	}
	return c
}
