// Package worker runs functions declared in notebook cells in child
// processes, for [mp.Process] and the rest of runtime/mp.
//
// A cell declares a function and starts it in a new OS process:
//
//	func add(number *mp.Value, value int, lock *mp.Lock) { ... }
//	p1 := mp.NewProcess(add, number, 1, lock)
//	p1.Start()
//
// The function is interpreted, so the child cannot find it in a binary. The
// child is instead the gopherlab binary in worker mode ([Main]): it rebuilds
// the notebook's declarations (imports, constants, types, functions and
// package-level variables, in their latest versions, without the cells'
// statements), finds the target by name and calls it with the arguments. As
// with Python's spawn start method, ordinary arguments and globals are
// copies, while locks, values, arrays and queues are shared.
//
// # Naming targets
//
// An interpreted function reaches compiled code as a reflect.MakeFunc
// wrapper, and every wrapper has the same code pointer, so a function value
// alone does not say which function it is. [Rewrite] therefore marks the
// target of each mp.NewProcess call in a cell's source with the name it was
// written with, and [Resolve] maps the value back to that name. A target that
// a child cannot find by name (a function literal, a closure held in a
// variable, a method value) is refused before any process starts, with a
// message saying why and what to write instead.
//
// # Launching
//
// [Launcher] implements mp.Launcher for the kernel: it starts workers with
// the current declarations, keeps one pre-started worker ready so that Start
// does not wait for the interpreter to load, sends each child's output to the
// cell that started it, waits at the end of a cell for the non-daemon
// children it started, and ends children on interrupt, restart and shutdown.
package worker
