package lower

import "fmt"

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

// Rewrite lowers constructs yaegi v0.16.1 cannot run. cell is a complete Go
// source file (package main: imports, declarations, and the cell's
// statements inside a function); context holds other files of the same
// package (the notebook's earlier declarations) for type information. out is
// cell rewritten with every original line kept at its line number (so error
// positions still map to the cell); helpers is extra Go source (package main
// declarations, possibly with imports) to evaluate before out, or nil. A
// construct that still cannot run gives an [*Error] whose Msg starts with
// [NotSupported], with its line.
func Rewrite(cell []byte, context [][]byte) (out []byte, helpers []byte, err error) {
	return cell, nil, nil
}

// Check type-checks cell against context like the Go compiler and returns
// its errors, each an [*Error] positioned in cell and worded like the
// compiler's. Unused variables and imports are not reported.
func Check(cell []byte, context [][]byte) []error {
	return nil
}
