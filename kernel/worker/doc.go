// Package worker runs functions declared in notebook cells in child
// processes, for mp.Process and the rest of runtime/mp.
//
// A cell declares a function and starts it in a new OS process:
//
//	func add(number *mp.Value, value int, lock *mp.Lock) { ... }
//	p1 := mp.NewProcess(add, number, 1, lock)
//	p1.Start()
//
// The function is interpreted, so the child cannot find it in a binary. The
// child is instead a worker: a compiled program holding the notebook's
// declarations, or the gopherlab binary in worker mode ([Main], the
// `gopherlab worker` command), which rebuilds the notebook's declarations
// (imports, constants, types, functions and package-level variables, in
// their latest versions) in an interpreter. Either finds the target by
// name and calls it with the arguments.
//
// # Compiled workers
//
// After each cell that changes the notebook's code, the launcher has the
// declarations built into a worker program with the Go compiler
// (package compiler: in the background, at the lowest priority, cached by
// content, keyed by what the functions need, so that a cell declaring a
// variable no function uses keeps the worker), and starts compiled workers
// as soon as one is built (compiled.go); targets then run as compiled Go.
// Before that, without the go command or the source tree the kernel was
// built from, or when the declarations do not compile as a program, the
// interpreted worker serves. Both start from the notebook as it is at Start
// and report alike; the compiled worker's side is package native. A target
// sees which in its environment: GOPHERLAB_WORKER is "compiled" or
// "interpreted". GOPHERLAB_COMPILED_WORKERS=0 turns compiled workers off.
//
// # A child is a fork
//
// As with Python's fork start method on Linux, a child starts from the
// notebook as it is at Start. No statement of any cell runs again in it:
// [Lower] removes the initialisers of package-level variables (typing
// those declared without a type), and renames func main and the init
// functions. Instead, the [Launcher], an mp.Namespace, gives
// mp.Process.Start the variables the target can reach — those its body
// mentions, and those of the functions and methods it may call, every
// method counting (reach.go) — read from the interpreter at that moment
// (vars.go); mp copies them, sharing the locks, values, queues and other mp
// objects among them, and the child sets them before its target runs. A
// variable that cannot be copied (a channel, a closure) is nil in the
// child, with a note on the cell's stderr. Values of the notebook's types
// travel inside interface values by the types' names (types.go).
//
// # Reports
//
// A child ends as a Go program does: os.Exit(n) exits with n, log.Fatal
// with 1, and a panic, in the target or in a goroutine it started, prints
// Go's "panic: ..." with the notebook's functions and the lines of their
// cells (from the //line directives of the session's declarations), then
// the process's name, and nothing of the interpreter (panics.go). Errors
// of the workers' plumbing go to the kernel's log ([Launcher.SetLog]).
// [RewriteCell] makes the errors of mp calls a cell drops (p.Start() of a
// closure, q.Put(x) of a value that cannot be sent) show on the cell's
// stderr with its line. mp.SetStartMethod in a cell accepts "fork", what
// cells do, and refuses the others with an error saying so.
//
// # Naming targets
//
// An interpreted function reaches compiled code as a reflect.MakeFunc
// wrapper, and every wrapper has the same code pointer, so a function value
// alone does not say which function it is. Two mechanisms name it:
//
//   - [Rewrite] marks the target of each mp.NewProcess call in a cell's
//     source with the name it was written with, and [Resolve] maps the value
//     back to that name (the session applies it to every cell, with
//     [RewriteCell]);
//   - otherwise [Launcher.Name] finds the declaration the wrapper was made
//     from among the top-level functions of the session's interpreter
//     (yaegi v0.16.1 internals, checked at first use).
//
// A target that a child cannot find by name (a function literal, a closure,
// a method value) is refused before any process starts, with a message
// saying why and what to write instead.
//
// # Launching
//
// [Launcher] implements mp.Launcher and mp.ChildSource for the kernel
// (kernel/session's EnableProcesses installs it):
//
//   - it lowers the declarations once per version ([Lower]) and starts
//     workers that only evaluate them, and keeps workers ready with the
//     current declarations (Python's forkserver idea), as many as the last
//     cell started (2 to 8), so that Start sends the target to a process
//     that is already waiting and a cell's processes start together; it
//     also keeps a spare worker that has started but not yet read any
//     declarations, for a Start that finds them changed (a cell declaring a
//     function and starting it), so that only rebuilding them is left;
//   - all processes a cell starts write to one pipe per stream, which the
//     kernel copies into that cell's output: their lines keep the order they
//     were written in, and a daemon's later output still reaches the cell
//     that started it (a worker started in advance receives its cell's pipes
//     over a control socket when it is handed out); Join returns once what
//     the process wrote has reached the cell (mp.Child.Watch), so a line
//     the parent prints after Join comes after the child's;
//   - [Launcher.CellDone] waits at the end of a cell for the non-daemon
//     processes it started, as a Python program waits for its children at
//     exit, and on interrupt stops them (SIGTERM, then SIGKILL) and says
//     so; [Launcher.Close] ends every process on restart and shutdown, and
//     workers die with the kernel (Pdeathsig and their socket's end of file).
package worker
