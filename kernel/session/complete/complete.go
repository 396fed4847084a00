package complete

import (
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
	"unicode"
)

// Complete returns the completions of the word before cursor in code and
// the range [start, end) of code, in Unicode code points, that each match
// replaces: the whole word around the cursor. source is the notebook's live declarations as one Go file
// (Session.Source); it may be empty. With nothing to offer, matches is nil
// and start and end are cursor.
func Complete(code string, cursor int, source string) (matches []string, start, end int) {
	ms, start, end := CompleteMatches(code, cursor, source)
	return texts(ms), start, end
}

// CompleteMatches is [Complete] with what each match names and its
// signature.
func CompleteMatches(code string, cursor int, source string) (matches []Match, start, end int) {
	defer func() {
		if r := recover(); r != nil {
			panicked(r)
			matches, start, end = nil, cursor, cursor
		}
	}()
	rs := []rune(code)
	cursor = clamp(cursor, len(rs))
	start = cursor
	for start > 0 && isIdentRune(rs[start-1]) {
		start--
	}
	prefix := string(rs[start:cursor])
	before := string(rs[:start])
	// A match replaces the whole word, also its part after the cursor.
	wordEnd := cursor
	for wordEnd < len(rs) && isIdentRune(rs[wordEnd]) {
		wordEnd++
	}

	if path, ok := importPathPrefix(rs, cursor); ok {
		if paths := filter(allPackagePaths(), path); len(paths) > 0 {
			for _, p := range paths {
				matches = append(matches, Match{Text: p, Type: TypeModule, Signature: "package " + defaultName(p)})
			}
			return matches, cursor - len([]rune(path)), cursor
		}
		return nil, cursor, cursor
	}
	if inStringOrComment(before) {
		return nil, cursor, cursor
	}
	if strings.HasSuffix(before, ".") {
		operand := operandBefore([]rune(strings.TrimSuffix(before, ".")))
		qual := lastIdent([]rune(operand))
		if operand == "" || qual != operand {
			// An expression: time.Now().
			if e, err := parser.ParseExpr(operand); err == nil && operand != "" {
				sc := newScope(code, source)
				if t, ok := sc.exprType(e, 0); ok {
					if names := filter(sc.members(t), prefix); len(names) > 0 {
						for _, n := range names {
							matches = append(matches, sc.member(t, n))
						}
						return matches, start, wordEnd
					}
				}
			}
			return nil, cursor, cursor
		}
		sc := newScope(code, source)
		if path, ok := sc.packagePath(qual); ok {
			if names := filter(packageMembers(path), prefix); len(names) > 0 {
				for _, n := range names {
					matches = append(matches, packageMember(path, n))
				}
				return matches, start, wordEnd
			}
			return nil, cursor, cursor
		}
		if t, ok := sc.varType(qual, 0); ok {
			if names := filter(sc.members(t), prefix); len(names) > 0 {
				for _, n := range names {
					matches = append(matches, sc.member(t, n))
				}
				return matches, start, wordEnd
			}
		}
		return nil, cursor, cursor
	}
	if prefix == "" {
		// Tab at the start of a word offers everything; frontends indent
		// instead, so say nothing.
		return nil, cursor, cursor
	}
	sc := newScope(code, source)
	set := map[string]bool{}
	for _, names := range [][]string{keywords, predeclared, sc.names(), sc.importNames()} {
		for _, n := range names {
			if strings.HasPrefix(n, prefix) {
				set[n] = true
			}
		}
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, cursor, cursor
	}
	for _, n := range names {
		matches = append(matches, sc.name(n))
	}
	return matches, start, wordEnd
}

// panicked is called with the value of a panic that Complete or Inspect
// recovered from; tests make it fatal.
var panicked = func(any) {}

func clamp(cursor, n int) int {
	if cursor < 0 {
		return 0
	}
	if cursor > n {
		return n
	}
	return cursor
}

func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// operandBefore returns the operand that ends rs: a chain of identifiers,
// calls and index expressions joined by dots (time.Now(), p.pts[0]).
func operandBefore(rs []rune) string {
	i := len(rs)
	for {
		j := i
		for j > 0 && (rs[j-1] == ')' || rs[j-1] == ']') {
			// Skip a balanced group.
			op, cl := '(', rs[j-1]
			if cl == ']' {
				op = '['
			}
			depth := 0
			k := j - 1
			for ; k >= 0; k-- {
				if rs[k] == cl {
					depth++
				} else if rs[k] == op {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if k < 0 {
				return ""
			}
			j = k
		}
		k := j
		for k > 0 && isIdentRune(rs[k-1]) {
			k--
		}
		if k == j {
			return ""
		}
		i = k
		if i > 0 && rs[i-1] == '.' {
			i--
			continue
		}
		return string(rs[i:])
	}
}

// lastIdent returns the identifier that ends rs.
func lastIdent(rs []rune) string {
	i := len(rs)
	for i > 0 && isIdentRune(rs[i-1]) {
		i--
	}
	if i < len(rs) && unicode.IsDigit(rs[i]) {
		return ""
	}
	return string(rs[i:])
}

// filter returns the sorted names that start with prefix.
func filter(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// scanCode returns the tokens of code, ignoring errors.
func scanCode(code string, mode scanner.Mode) []tok {
	fset := token.NewFileSet()
	f := fset.AddFile("cell", -1, len(code))
	var s scanner.Scanner
	s.Init(f, []byte(code), func(token.Position, string) {}, mode)
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			return toks
		}
		toks = append(toks, tok{f.Offset(pos), t, lit})
	}
}

type tok struct {
	off int // byte offset
	t   token.Token
	lit string
}

// inStringOrComment reports whether the end of text lies inside a string,
// rune literal or comment.
func inStringOrComment(text string) bool {
	for _, t := range scanCode(text, scanner.ScanComments) {
		end := t.off + len(t.lit)
		switch t.t {
		case token.COMMENT:
			if end >= len(text) && (strings.HasPrefix(t.lit, "//") || !strings.HasSuffix(t.lit, "*/")) {
				return true
			}
		case token.STRING, token.CHAR:
			if end >= len(text) && !closedLiteral(t.lit) {
				return true
			}
		case token.ILLEGAL:
			// An unterminated literal at the end of text.
			if len(t.lit) > 0 && strings.ContainsAny(t.lit[:1], "\"`'") {
				return true
			}
		}
	}
	return false
}

func closedLiteral(lit string) bool {
	if len(lit) < 2 {
		return false
	}
	q := lit[0]
	if lit[len(lit)-1] != q {
		return false
	}
	if q == '`' {
		return true
	}
	// A closing quote preceded by an odd number of backslashes is escaped.
	n := 0
	for i := len(lit) - 2; i > 0 && lit[i] == '\\'; i-- {
		n++
	}
	return n%2 == 0
}

// importPathPrefix reports whether cursor is inside the quotes of an import
// path and returns the part of the path before the cursor.
func importPathPrefix(rs []rune, cursor int) (string, bool) {
	line := cursor
	for line > 0 && rs[line-1] != '\n' {
		line--
	}
	q := -1
	for i := cursor - 1; i >= line; i-- {
		if rs[i] == '"' {
			q = i
			break
		}
		if !isIdentRune(rs[i]) && !strings.ContainsRune("/.-~", rs[i]) {
			return "", false
		}
	}
	if q < 0 {
		return "", false
	}
	// The quote opens a string only if the line before it holds no other
	// quote.
	if strings.ContainsRune(string(rs[line:q]), '"') {
		return "", false
	}
	head := strings.TrimSpace(string(rs[line:q]))
	if head == "import" || strings.HasPrefix(head, "import ") {
		return string(rs[q+1 : cursor]), true
	}
	// Inside an import ( ... ) block: an optional name before the quote, and
	// an open block before the line.
	if head != "" && !isIdent(head) {
		return "", false
	}
	toks := scanCode(string(rs[:line]), 0)
	for i := len(toks) - 1; i >= 0; i-- {
		switch toks[i].t {
		case token.RPAREN:
			return "", false
		case token.LPAREN:
			if i > 0 && toks[i-1].t == token.IMPORT {
				return string(rs[q+1 : cursor]), true
			}
			return "", false
		case token.STRING, token.IDENT, token.SEMICOLON, token.PERIOD:
		default:
			return "", false
		}
	}
	return "", false
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !isIdentRune(r) || (i == 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

var keywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else",
	"fallthrough", "for", "func", "go", "goto", "if", "import", "interface",
	"map", "package", "range", "return", "select", "struct", "switch", "type", "var",
}

var predeclared = []string{
	// Types.
	"any", "bool", "byte", "comparable", "complex64", "complex128", "error",
	"float32", "float64", "int", "int8", "int16", "int32", "int64", "rune",
	"string", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
	// Constants and zero value.
	"true", "false", "iota", "nil",
	// Functions.
	"append", "cap", "clear", "close", "complex", "copy", "delete", "imag",
	"len", "make", "max", "min", "new", "panic", "print", "println", "real",
	"recover",
}
