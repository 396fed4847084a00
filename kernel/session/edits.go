package session

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
	"strings"
)

// edit replaces bytes [start, end) of a cell with text; start == end
// inserts.
type edit struct {
	start, end int
	text       string
	gen        func(cur []byte, at func(int) int) string // computes text from the edited source
}

// applyEdits applies edits to src, innermost first, so that an edit's
// generator sees the edits inside its range already applied.
func applyEdits(src []byte, edits []edit) []byte {
	if len(edits) == 0 {
		return src
	}
	sorted := append([]edit{}, edits...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].start != sorted[j].start {
			return sorted[i].start > sorted[j].start
		}
		return sorted[i].end < sorted[j].end
	})
	cur := append([]byte{}, src...)
	type applied struct{ start, end, delta int }
	var done []applied
	at := func(off int) int {
		d := 0
		for _, a := range done {
			if a.end <= off && !(a.start == a.end && a.start == off) {
				d += a.delta
			}
		}
		return off + d
	}
	for _, e := range sorted {
		text := e.text
		if e.gen != nil {
			text = e.gen(cur, at)
		}
		s, t := at(e.start), at(e.end)
		if e.start == e.end {
			t = s
		}
		if s < 0 || t > len(cur) || s > t {
			continue
		}
		cur = append(cur[:s:s], append([]byte(text), cur[t:]...)...)
		done = append(done, applied{e.start, e.end, len(text) - (e.end - e.start)})
	}
	return cur
}

// goEdits rewrites the go statements in n so that a panic in the new
// goroutine is recovered and reported instead of ending the kernel:
//
//	go f(a, b)     ->  {__glrt.Go("cell line 3", false, f, a, b)}
//
// The function and arguments are evaluated where the statement stood, as Go
// does, and handed to compiled code, which calls the function in a new
// goroutine under a recover (a recover in interpreted code would not run
// once the cell is stopped). Lines are kept. where names the function the
// statements are in, "" for the cell's statements.
func (s *Session) goEdits(fset *token.FileSet, base int, n ast.Node, where string) []edit {
	var edits []edit
	off := func(p token.Pos) int { return fset.Position(p).Offset - base }
	ast.Inspect(n, func(n ast.Node) bool {
		if fl, ok := n.(*ast.FuncDecl); ok && where == "" {
			where = "func " + fl.Name.Name
		}
		st, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		call := st.Call
		line := fset.Position(st.Pos()).Line - 1
		at := fmt.Sprintf("cell line %d", line)
		if where != "" {
			at = fmt.Sprintf("line %d (in %s)", line, where)
		}
		start, end := off(st.Pos()), off(st.End())
		funStart, funEnd := off(call.Fun.Pos()), off(call.Fun.End())
		type arg struct{ start, end int }
		var args []arg
		for _, a := range call.Args {
			args = append(args, arg{off(a.Pos()), off(a.End())})
		}
		ellipsis := call.Ellipsis.IsValid()
		if id, ok := call.Fun.(*ast.Ident); ok && builtins[id.Name] {
			return true // go println(...): nothing of the cell's can panic
		}
		edits = append(edits, edit{start: start, end: end, gen: func(cur []byte, pos func(int) int) string {
			piece := func(s, e int) string {
				a, b := pos(s), pos(e)
				if a < 0 || b > len(cur) || a > b {
					return ""
				}
				return string(cur[a:b])
			}
			var b strings.Builder
			fmt.Fprintf(&b, "__glrt.Go(%q, %v, %s", at, ellipsis, piece(funStart, funEnd))
			for _, a := range args {
				b.WriteString(", ")
				b.WriteString(piece(a.start, a.end))
			}
			b.WriteString(")")
			orig := piece(start, end)
			text := b.String()
			for i := strings.Count(text, "\n"); i < strings.Count(orig, "\n"); i++ {
				text += "\n"
			}
			return "{" + text + "}"
		}})
		return true
	})
	return edits
}

// builtins are the predeclared functions, which are not values.
var builtins = map[string]bool{
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true,
	"delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true, "new": true,
	"panic": true, "print": true, "println": true, "real": true, "recover": true,
}
