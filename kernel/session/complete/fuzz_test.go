package complete

import (
	"fmt"
	"testing"
	"unicode/utf8"
)

// FuzzComplete feeds arbitrary cells and cursors to Complete and Inspect:
// neither may panic, and the range Complete returns must lie in the cell.
func FuzzComplete(f *testing.F) {
	for _, seed := range []string{
		"fmt.Pri", "import \"strc", "import (\n\t\"fmt\"\n\t\"math/ra", "p1 := mp.NewProcess(add, 1)\np1.St",
		"x := time.Now().Sub(time.Now())\nx.", "fmt.Println(len(x), ", "\"fmt.Pri", "// fmt.", "s := \"é世\"; fmt.Pri",
		"func (p *P) M() {}\np.", "var a, b = 1\na.", "x := &T{}\nx.", "`", "'", "import", "...",
	} {
		f.Add(seed, utf8.RuneCountInString(seed))
	}
	prev := panicked
	panicked = func(r any) { panic(fmt.Sprint("recovered panic: ", r)) }
	f.Cleanup(func() { panicked = prev })
	f.Fuzz(func(t *testing.T, code string, cursor int) {
		matches, start, end := Complete(code, cursor, notebook)
		n := utf8.RuneCountInString(code)
		if start < 0 || start > end || end > n {
			t.Errorf("Complete(%q, %d) range [%d, %d) outside the cell of %d code points", code, cursor, start, end, n)
		}
		if len(matches) == 0 && start != end {
			t.Errorf("Complete(%q, %d): no matches but range [%d, %d)", code, cursor, start, end)
		}
		Inspect(code, cursor, 0, notebook)
		Inspect(code, cursor, 0, code)
	})
}
