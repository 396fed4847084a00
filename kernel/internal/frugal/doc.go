// Package frugal gives back to the system what an idle Go process holds
// but does not use, for kernels left running on a shared machine (a
// classroom's JupyterHub keeps a kernel per open notebook, and most of them
// sit idle).
//
// The Go runtime keeps every thread it ever started: one that blocked in a
// system call while other goroutines ran stays parked when the call
// returns, and an idle kernel keeps the threads of its busiest moment (a
// dozen after a lesson that starts processes). [Release] ends those idle
// threads and returns freed heap memory to the operating system
// (debug.FreeOSMemory). It takes tens of milliseconds at most, and is safe
// at any time: threads that run goroutines or wait in system calls are
// not touched, the main thread is never ended (the runtime would park it
// for good), and the runtime starts new threads when it needs them.
package frugal
