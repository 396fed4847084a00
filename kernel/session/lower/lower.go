package lower

import (
	"errors"
	"fmt"
	"go/parser"
	"go/scanner"
	"go/token"
)

// Error is a problem found in a cell: a type error reported by [Check], or a
// construct [Rewrite] cannot lower. Line and Col are 1-based positions in
// the cell as passed to Rewrite or Check (Col is 0 when unknown). Msg has no
// position prefix. An Error is immutable and safe to share.
type Error struct {
	Line, Col int
	Msg       string
}

// Error returns "LINE:COL: MSG", or "LINE: MSG" when Col is unknown.
func (e *Error) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%d: %s", e.Line, e.Msg)
}

// NotSupported is the prefix of the Msg of every [Error] that Rewrite
// returns for a construct yaegi cannot run.
const NotSupported = "not supported in notebook cells yet: "

// Check type-checks cell against context like the Go compiler and returns
// its errors, each an [*Error] positioned in cell and worded like the
// compiler's. Unused variables and imports are not reported, nor is an
// unused value in the last statement of the function [StmtsFunc] (the
// session shows it). Check returns nil for a cell without errors.
func Check(cell []byte, context [][]byte) (errs []error) {
	if recoverPanics {
		defer func() {
			if r := recover(); r != nil {
				errs = nil // never report an error the program may not have
			}
		}()
	}
	a := analyze(cell, context)
	if a == nil {
		return syntaxErrors(cell)
	}
	return a.check()
}

// syntaxErrors returns the parse errors of a cell.
func syntaxErrors(cell []byte) []error {
	_, err := parser.ParseFile(token.NewFileSet(), cellName, cell, parser.SkipObjectResolution)
	var list scanner.ErrorList
	if !errors.As(err, &list) {
		if err != nil {
			return []error{&Error{Line: 1, Msg: err.Error()}}
		}
		return nil
	}
	var errs []error
	for _, e := range list {
		errs = append(errs, &Error{Line: e.Pos.Line, Col: e.Pos.Column, Msg: "syntax error: " + e.Msg})
		if len(errs) == maxErrors {
			break
		}
	}
	return errs
}
