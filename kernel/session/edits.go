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
// goroutine is recovered and reported instead of ending the kernel, and the
// defer statements of a cell's own statements (outside function literals)
// so that they run when the cell ends:
//
//	go f(a, b)     ->  {__glrt.Go("cell line 3", false, f, a, b)}
//	defer f(a...)  ->  {__glrt.Defer("cell line 4", true, f, a)}
//
// The function and arguments are evaluated where the statement stood, as Go
// does, and handed to compiled code, which calls the function in a new
// goroutine under a recover (a recover in interpreted code would not run
// once the cell is stopped), or keeps it for the end of the cell. Lines are
// kept.
func (s *Session) goEdits(fset *token.FileSet, base int, n ast.Node, where string) []edit {
	var edits []edit
	off := func(p token.Pos) int { return fset.Position(p).Offset - base }
	topDefers := map[ast.Stmt]bool{}
	if b, ok := n.(*ast.BlockStmt); ok && where == "" {
		// The statements of a cell: a defer there (outside function
		// literals) runs when the cell ends; yaegi would keep it in its
		// global frame for ever.
		ast.Inspect(b, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.DeferStmt:
				topDefers[n] = true
			}
			return true
		})
	}
	ast.Inspect(n, func(n ast.Node) bool {
		if fl, ok := n.(*ast.FuncDecl); ok && where == "" {
			where = "func " + fl.Name.Name
		}
		var call *ast.CallExpr
		var stmt ast.Stmt
		switch st := n.(type) {
		case *ast.GoStmt:
			call, stmt = st.Call, st
		case *ast.DeferStmt:
			if !topDefers[st] {
				return true
			}
			call, stmt = st.Call, st
		default:
			return true
		}
		isDefer := topDefers[stmt]
		line := fset.Position(stmt.Pos()).Line - 1
		at := fmt.Sprintf("cell line %d", line)
		if where != "" {
			at = fmt.Sprintf("line %d (in %s)", line, where)
		}
		start, end := off(stmt.Pos()), off(stmt.End())
		funStart, funEnd := off(call.Fun.Pos()), off(call.Fun.End())
		type arg struct{ start, end int }
		var args []arg
		for _, a := range call.Args {
			args = append(args, arg{off(a.Pos()), off(a.End())})
		}
		ellipsis := call.Ellipsis.IsValid()
		builtin := false
		if id, ok := call.Fun.(*ast.Ident); ok && builtins[id.Name] {
			if !isDefer {
				return true // go println(...): nothing of the cell's can panic
			}
			builtin = true
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
			switch {
			case builtin:
				// defer close(ch): a builtin is no value; its arguments
				// are evaluated when the cell ends.
				fmt.Fprintf(&b, "__glrt.Defer(%q, false, func() { %s })", at, piece(off(call.Pos()), off(call.End())))
			default:
				name := "Go"
				if isDefer {
					name = "Defer"
				}
				fmt.Fprintf(&b, "__glrt.%s(%q, %v, %s", name, at, ellipsis, piece(funStart, funEnd))
				for _, a := range args {
					b.WriteString(", ")
					b.WriteString(piece(a.start, a.end))
				}
				b.WriteString(")")
			}
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
