package complete

import (
	"go/parser"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gopherlab/gopherlab/kernel/internal/goroot"
	"github.com/gopherlab/gopherlab/kernel/session/complete/internal/godoc"
)

// Inspect returns help for the name at cursor in code, or for the function
// whose call the cursor is in: a MIME bundle with "text/plain" holding the
// declaration and doc comment, as `go doc` prints them. cursor is in Unicode
// code points. source is the notebook's live declarations as one Go file
// (Session.Source). detail (0 or 1 in Jupyter) is accepted for the protocol
// and shows the same text. found is false when the name is unknown.
func Inspect(code string, cursor, detail int, source string) (data map[string]any, found bool) {
	defer func() {
		if r := recover(); r != nil {
			panicked(r)
			data, found = nil, false
		}
	}()
	chain := nameAt([]rune(code), cursor)
	if len(chain) == 0 {
		return nil, false
	}
	text := lookup(chain, newScope(code, source))
	if text == "" {
		return nil, false
	}
	return map[string]any{"text/plain": text}, true
}

// nameAt returns the selector chain (for instance ["fmt", "Println"]) at
// the cursor, or before the innermost unclosed parenthesis before it. For a
// member of a call's result it returns the operand and the member
// (["time.Now()", "Unix"]).
func nameAt(rs []rune, cursor int) []string {
	cursor = clamp(cursor, len(rs))
	s, e := cursor, cursor
	for s > 0 && isIdentRune(rs[s-1]) {
		s--
	}
	for e < len(rs) && isIdentRune(rs[e]) {
		e++
	}
	if s == e {
		// Inside a call's parentheses: inspect the function.
		depth := 0
		i := cursor - 1
		for ; i >= 0; i-- {
			if rs[i] == ')' {
				depth++
			} else if rs[i] == '(' {
				if depth == 0 {
					break
				}
				depth--
			} else if rs[i] == '\n' && depth == 0 && i < cursor-1 && strings.TrimSpace(string(rs[i:cursor])) == "" {
				return nil
			}
		}
		if i < 0 {
			return nil
		}
		e = i
		for e > 0 && rs[e-1] == ' ' {
			e--
		}
		s = e
		for s > 0 && isIdentRune(rs[s-1]) {
			s--
		}
		if s == e {
			return nil
		}
	}
	chain := []string{string(rs[s:e])}
	if s > 1 && rs[s-1] == '.' && (rs[s-2] == ')' || rs[s-2] == ']') {
		// A method of an expression's value: time.Now().Unix.
		if op := operandBefore(rs[:s-1]); op != "" {
			return []string{op, chain[0]}
		}
		return nil
	}
	for s > 1 && rs[s-1] == '.' && isIdentRune(rs[s-2]) {
		e = s - 1
		s = e
		for s > 0 && isIdentRune(rs[s-1]) {
			s--
		}
		chain = append([]string{string(rs[s:e])}, chain...)
	}
	return chain
}

// lookup returns the documentation of chain, or "".
func lookup(chain []string, sc *scope) string {
	if len(chain) == 2 && strings.ContainsAny(chain[0], "([") {
		if e, err := parser.ParseExpr(chain[0]); err == nil {
			if t, ok := sc.exprType(e, 0); ok {
				return sc.memberDoc(t, chain[1])
			}
		}
		return ""
	}
	if len(chain) >= 2 {
		// A notebook declaration takes precedence: T.Method.
		if len(chain) == 2 {
			if text, ok := sc.decls[chain[0]+"."+chain[1]]; ok {
				return text
			}
		}
		if p, ok := sc.packagePath(chain[0]); ok {
			return packageDoc(p, strings.Join(chain[1:], "."))
		}
		if t, ok := sc.varType(chain[0], 0); ok && len(chain) == 2 {
			return sc.memberDoc(t, chain[1])
		}
		return ""
	}
	name := chain[0]
	if text, ok := sc.decls[name]; ok {
		return text
	}
	if p, ok := sc.imports[name]; ok {
		return packageDoc(p, "")
	}
	for _, n := range predeclared {
		if n == name {
			if d := docsOf("builtin"); d != nil && d[name] != "" {
				return "package builtin // predeclared identifier\n\n" + d[name]
			}
		}
	}
	return ""
}

// packageDoc returns the documentation of name in the package importPath
// (the package itself when name is "") with the go doc header.
func packageDoc(importPath, name string) string {
	header := "package " + defaultName(importPath) + " // import \"" + importPath + "\"\n\n"
	if d := docsOf(importPath); d != nil {
		if text, ok := d[name]; ok && text != "" {
			return header + text
		}
	}
	if name == "" || strings.Contains(name, ".") {
		return ""
	}
	// No source: the signature from the interpreter's symbol table.
	if v := symbol(importPath, name); v.IsValid() {
		return header + signature(name, v)
	}
	return ""
}

// docsOf returns the rendered documentation of a package: generated for
// the module's packages, parsed from GOROOT for the standard library.
func docsOf(importPath string) godoc.Docs {
	if d, ok := moduleDocs[importPath]; ok {
		return d
	}
	stdMu.Lock()
	defer stdMu.Unlock()
	if d, ok := stdDocs[importPath]; ok {
		return d
	}
	var d godoc.Docs
	if root := goroot.Dir(); root != "" {
		d, _ = godoc.Dir(filepath.Join(root, "src", filepath.FromSlash(importPath)), importPath)
	}
	stdDocs[importPath] = d // nil too: do not retry
	return d
}

var (
	stdMu   sync.Mutex
	stdDocs = map[string]godoc.Docs{}
)
