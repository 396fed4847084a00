package session

import (
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// segKind classifies one top-level piece of a cell.
type segKind int

const (
	segStmt    segKind = iota // a statement
	segImport                 // an import declaration
	segDecl                   // a const, type, var or func declaration
	segPackage                // a package clause (a pasted whole program)
)

// segment is one top-level piece of a cell: the bytes [start, end) of the
// cell source.
type segment struct {
	kind       segKind
	start, end int
}

// splitCell cuts a cell into its top-level pieces with the Go scanner, so
// that declarations and statements can be written in any mix. Brackets are
// tracked so that a semicolon inside a block does not end a piece. It does
// not report syntax errors: the parser does that on each group.
func splitCell(src []byte) []segment {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var sc scanner.Scanner
	sc.Init(file, src, nil, 0)

	type tok struct {
		pos token.Pos
		tok token.Token
		lit string
	}
	var segs []segment
	var cur []tok
	depth := 0
	flush := func(end int) {
		if len(cur) == 0 {
			return
		}
		start := file.Offset(cur[0].pos)
		end = min(end, len(src))
		segs = append(segs, segment{kind: classify(cur[0].tok, func(i int) token.Token {
			if i < len(cur) {
				return cur[i].tok
			}
			return token.EOF
		}), start: start, end: end})
		cur = cur[:0]
	}
	lastEnd := 0
	header := false // in the header of a for, if or switch: ";" does not end the piece
	for {
		pos, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		if depth == 0 && (t == token.FOR || t == token.IF || t == token.SWITCH) {
			header = true
		}
		if t == token.SEMICOLON && depth == 0 && header {
			if lit == ";" {
				cur = append(cur, tok{pos, t, lit})
				lastEnd = file.Offset(pos) + 1
				continue
			}
			header = false
		}
		switch t {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			if depth > 0 {
				depth--
			}
		}
		if t == token.SEMICOLON && depth == 0 {
			end := file.Offset(pos)
			if lit == ";" {
				end++
			}
			if len(cur) > 0 {
				flush(max(end, lastEnd))
			}
			continue
		}
		cur = append(cur, tok{pos, t, lit})
		lastEnd = file.Offset(pos) + tokenLen(t, lit)
	}
	flush(lastEnd)
	return segs
}

// tokenLen returns the length in bytes of a scanned token.
func tokenLen(t token.Token, lit string) int {
	if lit != "" {
		return len(lit)
	}
	return len(t.String())
}

// classify decides what a piece is from its first tokens. A var
// declaration is a statement: the variables a cell declares are declared
// by its statements (see vars.go), as a program's package-level variables
// are initialised in order before main runs. A func keyword
// starts a declaration when a name follows it, or a receiver and then a
// name; otherwise it is a function literal in a statement.
func classify(first token.Token, at func(int) token.Token) segKind {
	switch first {
	case token.PACKAGE:
		return segPackage
	case token.IMPORT:
		return segImport
	case token.CONST, token.TYPE:
		return segDecl
	case token.FUNC:
		if at(1) == token.IDENT {
			return segDecl
		}
		if at(1) != token.LPAREN {
			return segStmt
		}
		// Skip the parenthesised group: a method has a name after its
		// receiver, then "(".
		depth := 0
		for i := 1; ; i++ {
			switch at(i) {
			case token.LPAREN:
				depth++
			case token.RPAREN:
				depth--
				if depth == 0 {
					if at(i+1) == token.IDENT && at(i+2) == token.LPAREN {
						return segDecl
					}
					return segStmt
				}
			case token.EOF:
				return segStmt
			}
		}
	}
	return segStmt
}

// blankExcept returns a copy of src in which every byte outside keep is a
// space, except newlines, so that lines and columns stay where they were.
func blankExcept(src []byte, keep []segment) []byte {
	out := make([]byte, len(src))
	for i, c := range src {
		if c == '\n' {
			out[i] = '\n'
		} else {
			out[i] = ' '
		}
	}
	for _, s := range keep {
		copy(out[s.start:s.end], src[s.start:s.end])
	}
	return out
}

// isComplete tells whether a cell is ready to run, as the console asks
// when Enter is pressed: "incomplete" while a bracket, a raw string or a
// comment is still open (indent is four spaces per open bracket) or the last
// line ends where Go continues a statement on the next line (after an
// operator, a comma, a dot, ...); "invalid" when no text added at the end
// could make it Go (a bracket closed that was never opened, a bad token, a
// syntax error before the end); "complete" otherwise.
func isComplete(code string) (status, indent string) {
	src := []byte(code)
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var errs scanner.ErrorList
	var sc scanner.Scanner
	sc.Init(file, src, func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)
	var open []token.Token // the brackets open, innermost last
	last := token.ILLEGAL  // the last token before the end, semicolons aside
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		if t == token.SEMICOLON && lit == "\n" {
			continue // inserted at a newline
		}
		last = t
		switch t {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			open = append(open, t)
		case token.RPAREN, token.RBRACE, token.RBRACK:
			if len(open) == 0 || closing[open[len(open)-1]] != t {
				return "invalid", ""
			}
			open = open[:len(open)-1]
		}
	}
	for _, e := range errs {
		if e.Msg == "raw string literal not terminated" || e.Msg == "comment not terminated" {
			return "incomplete", ""
		}
	}
	if len(errs) > 0 {
		return "invalid", ""
	}
	if len(open) > 0 {
		// Spaces: jupyter console shows a tab in its input as ^I.
		return "incomplete", strings.Repeat("    ", len(open))
	}
	if last != token.ILLEGAL && !endsStatement(last) {
		return "incomplete", ""
	}
	if !parses(src) {
		return "invalid", ""
	}
	return "complete", ""
}

// closing maps an opening bracket to its closing one.
var closing = map[token.Token]token.Token{token.LPAREN: token.RPAREN, token.LBRACE: token.RBRACE, token.LBRACK: token.RBRACK}

// endsStatement reports whether Go ends a statement after t at the end of
// a line (inserts a semicolon): after a name, a literal, break, continue,
// fallthrough, return, ++, -- and closing brackets.
func endsStatement(t token.Token) bool {
	switch t {
	case token.IDENT, token.INT, token.FLOAT, token.IMAG, token.CHAR, token.STRING,
		token.BREAK, token.CONTINUE, token.FALLTHROUGH, token.RETURN,
		token.INC, token.DEC, token.RPAREN, token.RBRACK, token.RBRACE:
		return true
	}
	return false
}

// parses reports whether a cell parses: its imports, its other
// declarations and its statements each as Go, in the pieces splitCell
// finds (a pasted whole program as a file).
func parses(src []byte) bool {
	segs := splitCell(src)
	var imports, decls, stmts []segment
	for _, sg := range segs {
		switch sg.kind {
		case segPackage:
			_, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
			return err == nil
		case segImport:
			imports = append(imports, sg)
		case segDecl:
			decls = append(decls, sg)
		default:
			stmts = append(stmts, sg)
		}
	}
	for _, f := range [][]byte{
		append([]byte("package p;"), blankExcept(src, imports)...),
		append([]byte("package p;"), blankExcept(src, decls)...),
		append(append([]byte("package p; func _() {"), blankExcept(src, stmts)...), "\n}"...),
	} {
		if _, err := parser.ParseFile(token.NewFileSet(), "", f, parser.SkipObjectResolution); err != nil {
			return false
		}
	}
	return true
}
