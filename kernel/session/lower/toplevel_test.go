package lower

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
	"github.com/traefik/yaegi/interp"
)

// TestTopLevel runs rewritten statements the way the session does: outside
// any function, where yaegi v0.16.1 mixes up a variable shadowed by one of
// the same name ("v := v" loops forever or reads zero).
func TestTopLevel(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"loopvar", "fs := []func(){}\nfor i := 0; i < 3; i++ {\n\tfs = append(fs, func() { fmt.Print(i) })\n}\nfor _, v := range []string{\"a\", \"b\"} {\n\tfs = append(fs, func() { fmt.Print(v) })\n}\nfor _, f := range fs {\n\tf()\n}\n", "012ab"},
		{"nested range int", "for i := range 2 {\n\tfor j := range 2 {\n\t\tfmt.Print(i, j, \";\")\n\t}\n}\n", "0 0;0 1;1 0;1 1;"},
		{"range int closures", "fs := []func(){}\nfor i := range 3 {\n\tfs = append(fs, func() { fmt.Print(i) })\n}\nfor _, f := range fs {\n\tf()\n}\n", "012"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cell := "package main;import (fmt \"fmt\";);func __cell() {\n" + c.body + "}"
			out, helpers, err := Rewrite([]byte(cell), nil)
			if err != nil {
				t.Fatal(err)
			}
			body := out[bytes.IndexByte(out, '\n')+1 : bytes.LastIndexByte(out, '}')]
			var buf bytes.Buffer
			i := interp.New(interp.Options{Stdout: &buf})
			i.Use(stdlib.Symbols())
			done := make(chan error, 1)
			go func() {
				defer func() {
					if r := recover(); r != nil {
						done <- fmt.Errorf("panic: %v", r)
					}
				}()
				for _, src := range []string{"import \"fmt\"", string(helpers), string(body)} {
					if src == "" {
						continue
					}
					if _, err := i.Eval(src); err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("%v\n%s", err, body)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("still running after 20s:\n%s", body)
			}
			if got := buf.String(); got != c.want {
				t.Errorf("printed %q, want %q\n%s", got, c.want, body)
			}
		})
	}
}

// TestConcurrent calls Rewrite and Check from several goroutines on
// different cells and contexts (run with -race).
func TestConcurrent(t *testing.T) {
	cells := []string{
		"package main\nimport \"slices\"\nfunc main() { s := []int{2, 1}; slices.Sort(s); for i := range 3 { _ = i } }\n",
		"package main\nimport \"fmt\"\nfunc main() { fmt.Println(undefinedName) }\n",
		"package main\nfunc main() { _ = min(1, 2) }\n",
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				c := cells[(g+k)%len(cells)]
				ctx := [][]byte{[]byte(fmt.Sprintf("package main\nvar v%d = %d\n", k%3, k))}
				if _, _, err := Rewrite([]byte(c), ctx); err != nil {
					t.Error(err)
				}
				errs := Check([]byte(c), ctx)
				if (c == cells[1]) != (len(errs) == 1) {
					t.Errorf("Check(%q) = %v", c, errs)
				}
			}
		}()
	}
	wg.Wait()
}
