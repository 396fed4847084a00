// Package fmtshim gives interpreted cells Go's fmt and errors for the types
// cells declare.
//
// yaegi v0.16.1 runs a value of a type declared in a cell as a value of an
// unnamed reflect type: a `type point struct{ x, y int }` is a
// struct { Xx int; Xy int } (fields renamed so that reflect accepts them),
// a `type Celsius float64` is a float64, and the type's methods exist only
// in the interpreter. Compiled code, package fmt first, sees neither the
// names nor the methods: %T prints struct { Xx int; Xy int }, %+v {Xx:1
// Xy:2}, a String method declared in a cell is ignored where Go calls it,
// and fmt.Errorf's %w refuses an error type declared in a cell.
//
// # How
//
// A [Registry] learns each declared type after its declaration is
// evaluated: [Registrations] turns the declarations into calls of the
// interpreter that pass the type's run-time type, its underlying type as
// written (for the field names and the types of fields) and, as functions
// of the interpreter, the methods fmt, errors and encoding/json look for.
// The static type of a value, which alone tells a Celsius from a float64,
// comes from lowering (lower.SetTypeTags): where a value of a declared type
// is printed or returned as an error, the cell's code passes it along.
//
// [Shim.Exports] replaces fmt's printing functions (Print, Printf, Println,
// the S, F and Append variants, Errorf) and errors.Is, As, Unwrap and Join
// in the interpreter. Their arguments of compiled types go to package fmt
// and errors unchanged; the others are printed by a printer that follows
// fmt's own code step for step (print.go) and has package fmt print the
// numbers and strings with the same directive. A value of a declared error
// type that compiled code must hold as an error (wrapped by Errorf, joined,
// returned by a function of a cell) becomes a proxy: a compiled error whose
// Error, Unwrap, Is, As and Format are the declared type's, and whose first
// field IValue holds the value, so that a type assertion in a cell sees
// through it as it does through yaegi's own wrappers.
//
// # What is not known
//
// A value of a named type that is not a struct (Celsius, a []string type)
// stored in an interface (an any, a []any, a map[string]any) prints as its
// underlying type under %T and %#v, and without its methods: nothing at run
// time tells it from a float64. Types declared inside a function print with
// their fields' names but without methods and as unnamed types. When two
// declared struct types have the same fields, a value reached through an
// interface is taken for the latest of them.
package fmtshim
