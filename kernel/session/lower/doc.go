// Package lower prepares notebook cells written in today's Go for the yaegi
// v0.16.1 interpreter, which understands Go as of about 1.21, and
// type-checks them like the Go compiler so that learners read compiler-quality
// errors.
//
// # Contract
//
// Both entry points take cell, a complete Go source file of package main
// (imports, declarations, and the cell's statements inside a function), and
// context, other files of the same package (typically the notebook's earlier
// declarations, as session.Source returns them) used only for type
// information. Context files are never rewritten and never reported on.
//
// [Rewrite] returns out, the cell rewritten so that yaegi can run it, with
// every original line kept at its line number: line n of out holds what line
// n of cell held, so positions reported by the interpreter map back to the
// cell unchanged. Lowered constructs stay on their line; nothing is inserted
// before or between lines. helpers is extra Go source (a complete file of
// package main, possibly with imports) that must be evaluated before out, or
// nil when none is needed. Helper names start with "__lower_" and depend only
// on what they implement, so evaluating the same helper twice is harmless.
// When cell uses a construct that still cannot run in yaegi, Rewrite returns
// an [*Error] whose Msg starts with "not supported in notebook cells yet: ".
// When cell does not parse, Rewrite returns cell unchanged and a nil error:
// the interpreter (or [Check]) reports the syntax error.
//
// [Check] type-checks cell against context like the Go compiler and returns
// its errors, each an [*Error] with the position in cell, worded like the
// compiler's ("undefined: x"). Errors that a notebook allows are never
// reported: unused variables ("declared and not used: x") and unused
// imports. Imports the checker cannot resolve (for instance packages compiled
// into the kernel whose source is absent) are treated as "anything goes":
// uses of them are never reported, so Check never reports an error the
// program does not have. Check returns nil for a cell without errors.
//
// Both functions are safe for concurrent use and never panic, whatever the
// input. The standard library importer is shared and cached across calls.
//
// # What works in cells
//
// The table is kept up to date with the tests in this package.
//
//	construct                            yaegi v0.16.1 alone   with Rewrite
//	(filled in as constructs are tested)
package lower
