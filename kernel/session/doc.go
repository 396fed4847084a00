// Package session holds the interpreter state of one notebook and executes
// cells against it. It knows nothing of ZeroMQ or the Jupyter wire format:
// the kernel turns what a cell produces into messages through [Output].
//
// Cells are run by the yaegi interpreter (v0.16.1), after package lower has
// rewritten the Go of today that yaegi cannot run.
//
// # What a cell may hold
//
// A cell is what a learner writes: imports, declarations and statements in
// any mix and order. The session cuts the cell into top-level pieces with
// the Go scanner and runs it as Go runs a package and its main function:
// the imports first, then all the declarations together, then all the
// statements, in the order written, as the body of one function — so they
// are Go statements with Go's scopes: comma-ok forms, blocks whose :=
// shadows, defer and recover, return. The variables the statements declare
// at the top of the cell (x := ..., var x = ...) are the notebook's: the
// session declares each at package level with the type the Go type
// checker gives it, and the declaration assigns it (see vars.go). A cell is
// type-checked before it runs when it declares something or needs
// lowering, and its compile errors are reported before anything runs, as
// the compiler does. A cell starting with "package main" is a whole
// program: its package-level variables are initialised in order, then its
// init functions and its main function run. A func main declared without
// a package clause runs at the end of its cell unless the cell calls it,
// and later cells may call main() again. Unused imports and variables are
// not errors. Every source given to the interpreter keeps the cell's line
// numbers, so errors point at the line the learner sees ("cell line 3:
// undefined: x").
//
// # Results
//
// When the cell ends in an expression, its value is the [Result]. Go has
// no REPL; the text shown is what fmt.Sprintf("%#v", v) prints in Go
// (main.point{x:1, y:2}, []int{1, 2}, "hi", (*int)(nil)), except that a
// value with an Error or String method shows what the method returns (as
// %v does: "boom", 2s), a number or a boolean as %v prints it (104 for a
// byte, where %#v prints 0x68), and slices, arrays and maps their first
// 200 elements, then "... (N more)". A value with an HTML, Markdown, SVG,
// PNG or JPEG method gives a rich result with that MIME type plus
// text/plain. Calls with several results (fmt.Println) give none.
//
// # Go's names for declared types
//
// fmt's printing functions and Errorf, errors.Is, As, Unwrap and Join,
// results and panics know the types cells declare (package fmtshim): %T
// prints main.point, %+v and %#v the field names as declared, String,
// Error, GoString and Format methods declared in cells are called where Go
// calls them, and %w, errors.Is and errors.As see error types declared in
// cells.
//
// # Rerunning cells
//
// Any cell can run again. Declaring a func, type, method, const or var
// again replaces it (yaegi alone keeps stale types and refuses some
// redeclarations: the old symbol is removed from the interpreter first),
// and declarations of earlier cells that use a replaced name are evaluated
// again so that they use the new version; a note on stderr says when one no
// longer compiles. Values already made keep their old type, as objects do
// in Python. Importing a package again, with or without an alias, is fine.
//
// # Faults
//
// Nothing a cell does ends the kernel. A compile error or a panic ends the
// cell with one [*Error] whose traceback names the functions and cell lines.
// go statements are rewritten so that a panic in the goroutine is recovered
// and reported on stderr of the running cell, or of the next cell when none
// runs; so are functions given to time.AfterFunc, context.AfterFunc and
// sync.WaitGroup.Go.
// os.Exit and log.Fatal end the cell with an "Exit" error, at once, as they
// end a Go program: no deferred call runs, the cell's goroutines stop, and
// what they write afterwards is dropped (the goroutine that called os.Exit
// stays parked, holding its memory, for the life of the kernel). A cell whose
// goroutines all wait on channels, select or sync for ever ends with Go's
// "all goroutines are asleep - deadlock!" (a goroutine waiting for a timer,
// for input or for another process is not counted as stuck). Cancelling
// the context of [Session.Execute] stops the cell — loops, time.Sleep and
// channel operations — and its goroutines; the session keeps its state. A
// defer at the top of a cell runs when the cell ends.
//
// Cells get their own sync.Mutex and sync.WaitGroup (same methods) whose
// Lock and Wait give up when the cell is stopped, so that a deadlocked
// cell leaves no goroutine behind.
//
// Known limits: a goroutine blocked for ever in other compiled code (a
// sync.RWMutex, a network read) is reported as a deadlock when it is, but
// stays blocked; (*log.Logger).Fatal (a method, which cannot be replaced)
// still exits the process; a panic's cell line is the one yaegi reports,
// which is sometimes the statement before the faulty one.
//
// # Output and input
//
// fmt.Print and friends, os.Stdout and os.Stderr of interpreted code write
// to the running cell's [Output] as they are written, also from
// goroutines; [Session.Stdout] and [Session.Stderr] are writers for the
// process's own file descriptors, which the kernel forwards. Reading
// os.Stdin (fmt.Scanln, bufio) asks the Output for a line when it
// implements [Inputter]; otherwise reading ends at once with a message.
// kernel/display output goes to the running cell as display_data.
//
// # Other engineers' hooks
//
// [Session.Source] gives the notebook's live declarations as one Go file
// (for child processes and completion), variables without initialisers, [Session.Interp] the interpreter,
// [Session.OnCellStart] and [Session.OnCellEnd] hooks around each cell.
//
// # Tests
//
// testdata/*.txt are scenarios: sequences of cells with what each must
// produce, in sections "-- cell --", "-- stdout --", "-- stderr --",
// "-- result --" (text/plain), "-- result MIME --", "-- display MIME --"
// and "-- error --". TestScenarios runs them against a Session;
// TestScenariosJupyter runs the same files through the installed kernel
// with jupyter_client (testdata/run_scenarios.py).
package session
