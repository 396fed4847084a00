package session

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// importSpec is one import of a cell.
type importSpec struct {
	name, path string
	line       int
	text       string
}

func (s *Session) evalImports(ctx context.Context, src []byte, segs []segment) error {
	text := declPrefix + string(blankExcept(src, segs))
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", text, parser.ImportsOnly)
	if err != nil {
		return s.compileError(src, err, nil)
	}
	var specs []importSpec
	for _, sp := range f.Imports {
		p, err := strconv.Unquote(sp.Path.Value)
		if err != nil {
			continue
		}
		is := importSpec{path: p, name: defaultImportName(p), line: fset.Position(sp.Pos()).Line - 1, text: nodeText(fset, []byte(text), 0, sp)}
		if sp.Name != nil {
			is.name = sp.Name.Name
		}
		specs = append(specs, is)
	}
	for _, is := range specs {
		s.stMu.Lock()
		old, seen := s.st.imports[is.name]
		s.stMu.Unlock()
		if is.name == "_" || (seen && old == is.path) {
			continue
		}
		if is.name != "." {
			forget(s.in, is.name+"/_.go")
		}
		code := declPrefix + strings.Repeat("\n", is.line-1) + "import " + is.text
		if _, err := s.eval(ctx, code); err != nil {
			if strings.Contains(err.Error(), "unable to find source") || strings.Contains(err.Error(), "import \"") {
				return s.errorAt(src, is.line, 0, fmt.Sprintf("package %s is not available in gopherlab: cells can import the standard library and the packages built into the kernel", strconv.Quote(is.path)))
			}
			return s.yaegiError(ctx, src, err, nil)
		}
		if is.name == "." {
			continue
		}
		s.stMu.Lock()
		if _, ok := s.st.imports[is.name]; !ok {
			s.st.order = append(s.st.order, is.name)
		}
		s.st.imports[is.name] = is.path
		s.stMu.Unlock()
	}
	return nil
}

// importLine renders the live imports as one line, for the files given to
// package lower.
func (s *Session) importLine() string {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if len(s.st.order) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("import (")
	for _, n := range s.st.order {
		fmt.Fprintf(&b, "%s %q;", n, s.st.imports[n])
	}
	b.WriteString(");")
	return b.String()
}

// context returns the notebook's declarations for package lower, without
// the names the cell declares again.
func (s *Session) context(skip map[string]bool) [][]byte {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if len(s.st.decls) == 0 {
		return nil
	}
	return [][]byte{[]byte(s.st.source(skip))}
}
