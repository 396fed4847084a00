package session

import (
	"go/scanner"
	"go/token"
)

// trivialStmts reports whether code is statements that need no type check
// before they run: that only assign and compute with the notebook's
// variables and literals (a := 1, x + y), which yaegi checks as the
// compiler would. Anything else may hold an error yaegi lets through (an
// interface assigned a value whose method has a pointer receiver, var a
// Abser = V{5}), so planCell type-checks it. The scan costs a trivial cell
// far less than the type checker would.
func (s *Session) trivialStmts(code []byte) bool {
	var sc scanner.Scanner
	fset := token.NewFileSet()
	sc.Init(fset.AddFile("", -1, len(code)), code, nil, 0)
	s.stMu.Lock()
	defer s.stMu.Unlock()
	for {
		_, tok, lit := sc.Scan()
		switch {
		case tok == token.EOF:
			return true
		case tok == token.LBRACE, tok == token.PERIOD, tok.IsKeyword():
			return false
		case tok == token.IDENT:
			if d := s.st.decls[lit]; d != nil && d.kind != kVar && d.kind != kDefine {
				return false // a type, function or constant of the notebook
			}
		}
	}
}
