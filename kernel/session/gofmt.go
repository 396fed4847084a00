package session

import (
	"github.com/gopherlab/gopherlab/kernel/session/fmtshim"
	"github.com/gopherlab/gopherlab/kernel/session/lower"
)

func init() {
	// Static types reach the printer through the tags lowering inserts.
	lower.SetTypeTags(fmtshim.TypeTags)
}

// Values of types declared in cells print with Go's names (main.point,
// field names as declared) and methods, in fmt, errors, results and panics:
// package fmtshim replaces fmt's printing functions and errors' Is, As,
// Unwrap and Join in the interpreter, and learns the declared types from
// registration code evaluated after each group of declarations.

// registerTypes tells the printer about the types and methods the
// declarations src (just evaluated) declared.
func (s *Session) registerTypes(src []byte) {
	fmtshim.Register(s.in, src)
}

// formatValue returns the text/plain of a cell's result (see
// [fmtshim.Shim.Result]).
func (s *Session) formatValue(v any) string { return s.fmt.Result(v) }

// panicText prints a panic value as Go's runtime does, with the wording of
// Go's runtime errors for yaegi's reflect panics.
func (s *Session) panicText(r any) string { return runtimeMessage(s.fmt.PanicText(r)) }
