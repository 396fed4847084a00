package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/session/lower"
)

// lower passes code (a cell's statements or declarations, blanked to
// their own lines) through package lower. open is what precedes code on the
// first line of the file lower sees ("func __cell() {" for statements, the
// hoisted variables for declarations), close what follows it on a line of
// its own ("}" for statements). The result is what yaegi gets after its
// own first line, without close.
func (s *Session) lower(ctx context.Context, src, code []byte, open, close string, names map[string]bool) ([]byte, error) {
	head := "package main;" + s.importLine() + open
	file := []byte(head + "\n" + string(code))
	if close != "" {
		file = append(file, "\n"+close...)
	}
	type rewritten struct {
		out, helpers []byte
		err          error
	}
	var r rewritten
	if s.lowerCannotChange(code) {
		// What lower.Rewrite returns for a cell it leaves alone, without
		// its type check and without a goroutine.
		r.out = file
	} else {
		done := make(chan rewritten, 1)
		ctxFiles := s.context(names)
		go func() {
			// The first check of a package imports it from source, which can
			// take seconds: an interrupt must not wait for it.
			out, helpers, err := lower.Rewrite(file, ctxFiles)
			done <- rewritten{out, helpers, err}
		}()
		select {
		case r = <-done:
		case <-ctx.Done():
			return nil, s.yaegiError(ctx, src, ctx.Err(), nil)
		}
	}
	out, helpers, err := r.out, r.helpers, r.err
	if err != nil {
		var le *lower.Error
		if errors.As(err, &le) {
			return nil, s.errorAt(src, le.Line-1, le.Col, le.Msg)
		}
		return nil, s.errorAt(src, 0, 0, err.Error())
	}
	if len(helpers) > 0 {
		base := s.in.FileSet().Base()
		if _, err := s.eval(ctx, string(helpers)); err != nil {
			s.note(fmt.Sprintf("note: gopherlab helper code failed: %v\n", err))
		}
		s.stMu.Lock()
		s.st.helperFiles = append(s.st.helperFiles, [2]int{base, s.in.FileSet().Base()})
		s.stMu.Unlock()
	}
	nl := bytes.IndexByte(out, '\n')
	if nl < 0 {
		return code, nil
	}
	out = out[nl+1:]
	if close != "" {
		if i := bytes.LastIndex(out, []byte(close)); i >= 0 {
			out = out[:i]
		}
	}
	return out, nil
}

// lowerCannotChange reports, from the tokens of code alone, that package
// lower would return it unchanged, so that a trivial cell (`a := 1`) skips
// lower's type check. It is conservative: lower rewrites only loops, index
// and instantiation brackets, functions (their parameters), defer and go
// statements, method values (x.M not called), switches, the builtins
// min, max, clear and new, uses of imported packages and of the notebook's
// generic functions, and code with none of these tokens has none of those.
func (s *Session) lowerCannotChange(code []byte) bool {
	var sc scanner.Scanner
	fset := token.NewFileSet()
	sc.Init(fset.AddFile("", -1, len(code)), code, nil, 0)
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if _, ok := s.st.imports["."]; ok {
		return false
	}
	for {
		_, tok, lit := sc.Scan()
		switch tok {
		case token.EOF:
			return true
		case token.ILLEGAL, token.FOR, token.RANGE, token.LBRACK, token.FUNC, token.DEFER, token.GO, token.SWITCH, token.RETURN:
			// return: lower tags values of declared types returned as
			// errors (kernel/session/lower/typetags.go).
			return false
		case token.PERIOD:
			// x.M not called: a method value, which lower binds; x.(T):
			// type switches, which lower rewrites.
			switch _, tok, _ := sc.Scan(); tok {
			case token.IDENT:
				if _, tok, _ := sc.Scan(); tok != token.LPAREN {
					return false
				}
			case token.LPAREN:
				return false
			}
		case token.IDENT:
			switch lit {
			case "min", "max", "clear", "new", "recover":
				return false
			}
			if _, ok := s.st.imports[lit]; ok {
				return false
			}
			if d := s.st.decls[lit]; d != nil && d.kind == kFunc && strings.Contains(d.text, "[") {
				return false
			}
		}
	}
}
