package worker

import (
	"fmt"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/gopherlab/gopherlab/kernel/worker/native"
)

// This file makes the errors a cell drops visible. Python raises; Go
// returns an error, and a learner porting Python ignores it: q.Put(x) of a
// value that cannot be sent, p.Start() of a closure. A call statement of
// one of checkedMethods, whose results the cell discards, becomes
//
//	mp.GopherlabChecked_("cell[5]:3", "q.Put(x)", q.Put, x)
//
// which makes the same call and, when it is a function of package mp that
// returned a non-nil error, writes it to the cell's stderr with the cell's
// line, at once (the cell may then wait for ever on what did not happen).

// CheckedFunc is the name under which the checking function is added to
// the interpreter's view of package mp (see [Symbols]).
const CheckedFunc = native.CheckedFunc

// checkedMethods are the names of the functions and methods of package mp
// that return an error a learner may drop and should see: Process.Start,
// Queue.Put and PutTimeout, Conn.Send, SetStartMethod. Join is not one: a
// child that failed says so itself.
var checkedMethods = map[string]bool{
	"Start": true, "Put": true, "PutTimeout": true, "Send": true, "SetStartMethod": true,
}

// RewriteCell is [Rewrite] for the cell the session runs as execution
// count n: it also wraps the calls of checkedMethods whose results the
// cell drops, so that their errors are shown with the cell's line
// ("cell[n]:LINE"). Line n of the result holds line n of cell.
func RewriteCell(cell, decls string, n int) string {
	return Rewrite(wrapUnchecked(cell, decls, n), decls)
}

// wrapUnchecked wraps the call statements of checkedMethods in cell, the
// cell of execution count n.
func wrapUnchecked(cell, decls string, n int) string {
	return wrapUncheckedAt(cell, decls, func(line int) string { return fmt.Sprintf("cell[%d]:%d", n, line) })
}

// wrapUncheckedAt wraps the call statements of checkedMethods in cell,
// whose line line is at pos(line) ("cell[3]:5"; "" leaves a call there
// alone).
func wrapUncheckedAt(cell, decls string, pos func(line int) string) string {
	if !mentionsChecked(cell) {
		return cell
	}
	_, imports := declared(decls)
	stoks := scanAll(cell)
	if stoks == nil {
		return cell
	}
	var plain []tok
	for _, t := range stoks {
		if t.tok != token.SEMICOLON || t.lit != "\n" {
			plain = append(plain, t)
		}
	}
	cellDecls(plain, map[string]bool{}, imports)
	mpName := ""
	for name, path := range imports {
		if path == MPPath && name != "_" && name != "." {
			mpName = name
		}
	}
	if mpName == "" {
		return cell // no package mp, no call of it
	}
	return wrapDropped(cell, stoks, mpName, pos)
}

func mentionsChecked(s string) bool {
	for m := range checkedMethods {
		if strings.Contains(s, "."+m+"(") {
			return true
		}
	}
	return false
}

// scanAll returns the tokens of src with the semicolons inserted at line
// ends (lit "\n"), or nil if src does not scan.
func scanAll(src string) []tok {
	fset := token.NewFileSet()
	file := fset.AddFile("cell.go", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), nil, 0)
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if s.ErrorCount > 0 || t == token.ILLEGAL {
			return nil
		}
		if t == token.EOF {
			return toks
		}
		toks = append(toks, tok{off: file.Offset(pos), tok: t, lit: lit})
	}
}

// wrapDropped wraps the call statements of checkedMethods in toks (the
// tokens of cell, with line-end semicolons).
func wrapDropped(cell string, toks []tok, mpName string, pos func(line int) string) string {
	var edits []textEdit
	for i := 0; i < len(toks); i++ {
		if !stmtStart(toks, i) {
			continue
		}
		// A primary expression: names, dots, calls and indexes, ending in
		// .Method(args) at the end of the statement.
		j, lastDot, call := i, -1, false
	chain:
		for j < len(toks) {
			switch toks[j].tok {
			case token.IDENT:
				j++
			case token.PERIOD:
				lastDot = j
				j++
			case token.LPAREN, token.LBRACK:
				end := closing(toks, j)
				if end < 0 {
					break chain
				}
				isCall := toks[j].tok == token.LPAREN
				j = end + 1
				if isCall && j < len(toks) && stmtEnd(toks[j]) {
					call = true // the call ends the statement
					break chain
				}
			default:
				break chain
			}
		}
		if !call || lastDot <= i || lastDot+2 >= j {
			continue
		}
		method, lparen := lastDot+1, lastDot+2
		if toks[method].tok != token.IDENT || !checkedMethods[toks[method].lit] || toks[lparen].tok != token.LPAREN || closing(toks, lparen) != j-1 {
			continue
		}
		if hasEllipsis(toks[lparen:j]) || strings.HasSuffix(toks[lastDot-1].lit, CheckedFunc) {
			continue
		}
		start, end := toks[i].off, toks[j-1].off+1
		text := strings.Join(strings.Fields(cell[start:end]), " ")
		if len(text) > 50 {
			text = text[:47] + "..."
		}
		where := pos(1 + strings.Count(cell[:start], "\n"))
		if where == "" {
			continue
		}
		fn := cell[start:toks[lparen].off]
		head := fmt.Sprintf("%s.%s(%q, %q, %s", mpName, CheckedFunc, where, text, fn)
		sep := ""
		if closing(toks, lparen) > lparen+1 {
			sep = ", "
		}
		edits = append(edits, textEdit{start, toks[lparen].off + 1, head + sep})
		i = j - 1
	}
	return applyEdits(cell, edits)
}

// stmtStart reports whether toks[i] may start a statement: it follows a
// semicolon, or a brace opening a block, or the colon of a case clause.
func stmtStart(toks []tok, i int) bool {
	if i == 0 {
		return true
	}
	switch toks[i-1].tok {
	case token.SEMICOLON:
		return true
	case token.LBRACE:
		// A block's brace follows a closing parenthesis (func() {, if f() {)
		// or a keyword; a composite literal's follows its type.
		if i < 2 {
			return false
		}
		switch toks[i-2].tok {
		case token.RPAREN, token.ELSE, token.FOR, token.SELECT, token.SWITCH:
			return true
		}
		return false
	case token.COLON:
		// The colon of case x: or default:, at the start of a statement.
		depth := 0
		for k := i - 2; k >= 0; k-- {
			switch toks[k].tok {
			case token.RPAREN, token.RBRACK, token.RBRACE:
				depth++
			case token.LPAREN, token.LBRACK, token.LBRACE:
				if depth == 0 {
					return false
				}
				depth--
			case token.CASE, token.DEFAULT:
				if depth == 0 {
					return k == 0 || toks[k-1].tok == token.SEMICOLON || toks[k-1].tok == token.LBRACE
				}
			case token.SEMICOLON:
				if depth == 0 {
					return false
				}
			}
		}
	}
	return false
}

// stmtEnd reports whether t ends a statement.
func stmtEnd(t tok) bool { return t.tok == token.SEMICOLON || t.tok == token.RBRACE }

// closing returns the index of the bracket closing toks[i], or -1.
func closing(toks []tok, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch toks[j].tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

func hasEllipsis(toks []tok) bool {
	for _, t := range toks {
		if t.tok == token.ELLIPSIS {
			return true
		}
	}
	return false
}

// active is the launcher of this process, whose current cell's stderr
// shows the errors dropped (a worker's is the process's stderr).
var active atomic.Pointer[Launcher]

// checked calls fn(args...) for a call statement at where (call is its
// text) and, when fn is a function of package mp that returned a non-nil
// error, writes the error to the cell's stderr.
func checked(where, call string, fn any, args ...any) {
	var w io.Writer = os.Stderr
	if l := active.Load(); l != nil {
		l.mu.Lock()
		w = l.stderr
		l.mu.Unlock()
	}
	native.CallChecked(w, where, call, fn, args...)
}
