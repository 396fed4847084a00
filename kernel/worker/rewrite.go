package worker

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// MPPath is the import path of the multiprocessing package cells use.
const MPPath = "github.com/gopherlab/gopherlab/runtime/mp"

// TagFunc is the name under which the tagging function is added to the
// interpreter's view of package mp (see [Symbols]). Rewritten cells call it;
// learners never write it.
const TagFunc = "GopherlabTarget_"

// targetCalls are the functions of package mp whose first argument is a
// function to run in a child process.
var targetCalls = map[string]bool{
	"NewProcess": true,
}

// Rewrite returns cell with the target of every mp.NewProcess call marked
// with the name it was written with, so that [Resolve] can tell a child
// which function to run. decls is the notebook's declarations so far (a Go
// file, as session.Source returns it); it tells which names are top-level
// functions and under which name package mp is imported.
//
// The target add in mp.NewProcess(add, ...) becomes
// mp.GopherlabTarget_("add", add); a target that cannot run in a child (a
// function literal, a variable, a method value) is marked with the reason,
// which Resolve turns into an error. Rewrite only inserts text within lines:
// line n of the result holds line n of cell. A cell that does not scan is
// returned unchanged, and so is one that does not mention package mp.
func Rewrite(cell, decls string) string {
	if !strings.Contains(cell, "NewProcess") {
		return cell
	}
	funcs, imports := declared(decls)
	toks := scan(cell)
	cellDecls(toks, funcs, imports)

	mpNames := map[string]bool{}
	for name, path := range imports {
		if path == MPPath {
			mpNames[name] = true
		}
	}
	if len(imports) == 0 || len(mpNames) == 0 {
		// Nothing imported yet (or an import we could not see): assume the
		// conventional name.
		mpNames["mp"] = true
	}

	type edit struct {
		at   int
		text string
	}
	var edits []edit
	for i := 0; i+3 < len(toks); i++ {
		if toks[i].tok != token.IDENT || !mpNames[toks[i].lit] ||
			toks[i+1].tok != token.PERIOD || toks[i+2].tok != token.IDENT ||
			!targetCalls[toks[i+2].lit] || toks[i+3].tok != token.LPAREN {
			continue
		}
		if i > 0 && toks[i-1].tok == token.PERIOD {
			continue // x.mp.NewProcess: not the package
		}
		start := i + 4
		if start+2 < len(toks) && toks[start+1].tok == token.PERIOD && toks[start+2].lit == TagFunc {
			continue // already marked (a rewritten cell rebuilt in a child)
		}
		end := argEnd(toks, start)
		if end <= start {
			continue
		}
		last := toks[end-1]
		text := strings.Join(strings.Fields(cell[toks[start].off:last.off+last.len()]), " ")
		spec := classify(toks[start:end], text, funcs, imports)
		if spec == "" {
			continue
		}
		edits = append(edits,
			edit{toks[start].off, toks[i].lit + "." + TagFunc + "(" + strconv.Quote(spec) + ", "},
			edit{last.off + last.len(), ")"})
	}
	if len(edits) == 0 {
		return cell
	}
	var b strings.Builder
	prev := 0
	for _, e := range edits {
		b.WriteString(cell[prev:e.at])
		b.WriteString(e.text)
		prev = e.at
	}
	b.WriteString(cell[prev:])
	return b.String()
}

// tok is one token of a cell.
type tok struct {
	off int
	tok token.Token
	lit string
}

func (t tok) len() int {
	if t.lit != "" {
		return len(t.lit)
	}
	return len(t.tok.String())
}

// scan returns the tokens of src, without the semicolons inserted at line
// ends, or nil if src does not scan.
func scan(src string) []tok {
	all := scanAll(src)
	if all == nil {
		return nil
	}
	toks := all[:0:0]
	for _, t := range all {
		if t.tok != token.SEMICOLON || t.lit != "\n" {
			toks = append(toks, t)
		}
	}
	return toks
}

// argEnd returns the index just past the argument starting at toks[start]:
// the next comma or closing parenthesis outside brackets.
func argEnd(toks []tok, start int) int {
	depth := 0
	for j := start; j < len(toks); j++ {
		switch toks[j].tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if depth == 0 {
				return j
			}
			depth--
		case token.COMMA, token.ELLIPSIS:
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// Marks of targets that cannot run in a child. The spec is the mark, a
// space, and the target's source text.
const (
	markLiteral = "!literal"
	markVar     = "!var"
	markMethod  = "!method"
	markExpr    = "!expr"
)

// classify returns the spec of the target written as toks (text in the
// cell): its name when a child can find it, or a mark saying why not.
func classify(toks []tok, text string, funcs map[string]bool, imports map[string]string) string {
	if len(text) > 60 {
		text = text[:57] + "..."
	}
	switch {
	case len(toks) == 1 && toks[0].tok == token.IDENT:
		name := toks[0].lit
		if name == "nil" {
			return ""
		}
		if funcs[name] {
			return name
		}
		return markVar + " " + name
	case toks[0].tok == token.FUNC:
		return markLiteral + " " + text
	case len(toks) == 3 && toks[0].tok == token.IDENT && toks[1].tok == token.PERIOD && toks[2].tok == token.IDENT:
		if _, ok := imports[toks[0].lit]; ok {
			return toks[0].lit + "." + toks[2].lit // a function of an imported package
		}
		return markMethod + " " + text
	case len(toks) > 2 && toks[len(toks)-2].tok == token.PERIOD && toks[len(toks)-1].tok == token.IDENT:
		return markMethod + " " + text
	}
	return markExpr + " " + text
}

// declared returns the top-level functions (without methods) and the
// imports (name to path) of decls, a Go source file.
func declared(decls string) (funcs map[string]bool, imports map[string]string) {
	funcs = map[string]bool{}
	imports = map[string]string{}
	if strings.TrimSpace(decls) == "" {
		return funcs, imports
	}
	f, _ := parser.ParseFile(token.NewFileSet(), "decls.go", decls, parser.SkipObjectResolution)
	if f == nil {
		return funcs, imports
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			funcs[fd.Name.Name] = true
		}
	}
	for _, is := range f.Imports {
		path, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		imports[importName(is.Name, path)] = path
	}
	return funcs, imports
}

func importName(name *ast.Ident, path string) string {
	if name != nil {
		return name.Name
	}
	return path[strings.LastIndex(path, "/")+1:]
}

// cellDecls adds the top-level functions and imports the cell declares to
// funcs and imports. The cell need not be a valid file (it mixes
// declarations and statements), so it is read token by token.
func cellDecls(toks []tok, funcs map[string]bool, imports map[string]string) {
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		case token.FUNC:
			if depth == 0 && i+2 < len(toks) && toks[i+1].tok == token.IDENT && toks[i+2].tok == token.LPAREN {
				funcs[toks[i+1].lit] = true
			}
		case token.IMPORT:
			if depth != 0 {
				continue
			}
			j := i + 1
			grouped := j < len(toks) && toks[j].tok == token.LPAREN
			if grouped {
				j++
			}
			for j < len(toks) {
				var name *ast.Ident
				if tk := toks[j]; tk.tok == token.IDENT || tk.tok == token.PERIOD {
					name = &ast.Ident{Name: tk.lit}
					if tk.tok == token.PERIOD {
						name.Name = "."
					}
					j++
				}
				if j >= len(toks) || toks[j].tok != token.STRING {
					break
				}
				if path, err := strconv.Unquote(toks[j].lit); err == nil && path != "" {
					imports[importName(name, path)] = path
				}
				j++
				if j < len(toks) && toks[j].tok == token.SEMICOLON {
					j++
				}
				if !grouped {
					break
				}
				if j < len(toks) && toks[j].tok == token.RPAREN {
					j++ // past the group's closing parenthesis
					break
				}
			}
			i = j - 1
		}
	}
}
