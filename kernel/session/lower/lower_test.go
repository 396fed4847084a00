package lower

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
	"github.com/traefik/yaegi/interp"
)

var update = flag.Bool("update", false, "rewrite the out sections of testdata/*.txt")

// testCase is one testdata/*.txt file: sections introduced by "-- name --"
// lines. cell is the input; context (optional) is the notebook so far;
// out is the expected rewritten cell; output is what the rewritten cell
// prints when run in yaegi; error is the expected Rewrite error; check is
// the expected Check errors, one a line; yaegi (optional) is text that
// what the cell as written prints in plain yaegi v0.16.1 contains, an
// error as "error: ..." (the bug the rewrite works around, shown to be
// yaegi's).
type testCase map[string]string

func readCase(t *testing.T, file string) testCase {
	if _, err := os.Stat(file); err != nil {
		t.Fatal(err)
	}
	return readCaseFile(file)
}

func writeCase(file string, c testCase) error {
	var b strings.Builder
	for _, name := range []string{"cell", "context", "yaegi", "out", "output", "error", "check"} {
		if v, ok := c[name]; ok {
			fmt.Fprintf(&b, "-- %s --\n%s", name, v)
		}
	}
	return os.WriteFile(file, []byte(b.String()), 0o644)
}

// runYaegi evaluates context, helpers and out in a fresh yaegi v0.16.1
// interpreter with the standard library, as the session does, and returns
// what the program printed.
func runYaegi(context, helpers, out []byte) (stdout string, err error) {
	return runYaegiFor(context, helpers, out, 20*time.Second)
}

// runYaegiFor is runYaegi giving up after d.
func runYaegiFor(context, helpers, out []byte, d time.Duration) (stdout string, err error) {
	// Locked: an evaluation given up for stuck may still write.
	var buf, stderr lockedBuffer // yaegi writes traces of recovered panics to stderr
	i := interp.New(interp.Options{Stdout: &buf, Stderr: &stderr})
	if err := i.Use(stdlib.Symbols()); err != nil {
		return "", err
	}
	if err := i.Use(Symbols()); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("panic: %v", r)
			}
		}()
		for _, src := range [][]byte{context, helpers, out} {
			if len(src) == 0 {
				continue
			}
			if _, err := i.Eval(string(src)); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err = <-done:
	case <-time.After(d):
		err = fmt.Errorf("timeout")
	}
	return buf.String(), err
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func lines(errs []error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}

func TestCases(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			c := readCase(t, file)
			cell := []byte(c["cell"])
			var context [][]byte
			if ctx, ok := c["context"]; ok {
				context = [][]byte{[]byte(ctx)}
			}
			out, helpers, err := Rewrite(cell, context)
			if want, ok := c["error"]; ok {
				if err == nil || err.Error()+"\n" != want {
					t.Errorf("Rewrite error = %v, want %q", err, want)
				}
			} else if err != nil {
				t.Fatalf("Rewrite: %v", err)
			}
			if n, m := bytes.Count(out, []byte("\n")), bytes.Count(cell, []byte("\n")); n != m {
				t.Errorf("out has %d lines, cell has %d", n, m)
			}
			if want, ok := c["out"]; ok {
				if *update {
					c["out"] = string(out)
					if err := writeCase(file, c); err != nil {
						t.Fatal(err)
					}
				} else if string(out) != want {
					t.Errorf("out:\n%s\nwant:\n%s", out, want)
				}
			}
			if want, ok := c["check"]; ok {
				if got := lines(Check(cell, context)); got != want {
					t.Errorf("Check:\n%s\nwant:\n%s", got, want)
				}
			}
			if want, ok := c["yaegi"]; ok {
				// The cell as written, in plain yaegi: the bug.
				got, err := runYaegiFor([]byte(c["context"]), nil, dropImports(cell, []byte(c["context"])), 3*time.Second)
				if err != nil {
					got += "error: " + err.Error()
				}
				if !strings.Contains(got, strings.TrimSuffix(want, "\n")) {
					t.Errorf("the cell as written, in yaegi, printed:\n%s\nwant it to contain:\n%s", got, want)
				}
			}
			if want, ok := c["output"]; ok {
				got, err := runYaegi([]byte(c["context"]), helpers, dropImports(out, []byte(c["context"])))
				if err != nil {
					t.Fatalf("run in yaegi: %v\nhelpers:\n%s\nout:\n%s", err, helpers, out)
				}
				if got != want {
					t.Errorf("output:\n%s\nwant:\n%s", got, want)
				}
			}
		})
	}
}

// dropImports blanks the imports of out that context already made: yaegi
// rejects importing a package twice (the session handles this itself).
func dropImports(out, context []byte) []byte {
	if len(context) == 0 {
		return out
	}
	fset := token.NewFileSet()
	cf, err := parser.ParseFile(fset, "context.go", context, parser.ImportsOnly)
	if err != nil {
		return out
	}
	f, err := parser.ParseFile(fset, "out.go", out, parser.ImportsOnly)
	if err != nil {
		return out
	}
	seen := make(map[string]bool)
	for _, im := range cf.Imports {
		seen[im.Path.Value] = true
	}
	out = bytes.Clone(out)
	blank := func(n ast.Node) {
		from, to := fset.Position(n.Pos()).Offset, fset.Position(n.End()).Offset
		copy(out[from:to], bytes.Repeat([]byte(" "), to-from))
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		for _, spec := range gd.Specs {
			if seen[spec.(*ast.ImportSpec).Path.Value] {
				if gd.Lparen.IsValid() {
					blank(spec)
				} else {
					blank(gd)
				}
			}
		}
	}
	return out
}

// TestOutputMatchesGo runs every case that has an output section with the
// Go toolchain itself, so that expected outputs are those of real Go.
func TestOutputMatchesGo(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped under -short: builds every case with the go command")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	files, _ := filepath.Glob("testdata/*.txt")
	for _, file := range files {
		c := readCase(t, file)
		want, ok := c["output"]
		if !ok {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module cell\n\ngo 1.26\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "cell.go"), []byte(c["cell"]), 0o644)
			if ctx, ok := c["context"]; ok {
				os.WriteFile(filepath.Join(dir, "context.go"), []byte(ctx), 0o644)
			}
			cmd := exec.Command(goCmd, "run", ".")
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go run: %v\n%s", err, out)
			}
			if string(out) != want {
				t.Errorf("go run printed:\n%s\nwant:\n%s", out, want)
			}
		})
	}
}
