// Package earlybind binds the five listening sockets of a kernel while the
// program is still initialising, so that a Jupyter client never finds them
// closed.
//
// jupyter_client connects its ZeroMQ sockets as soon as it has started the
// kernel process, and libzmq retries a refused connection only every 100ms.
// The gopherlab binary needs tens of milliseconds to page in and initialise
// its packages (yaegi's symbol tables, go/types, net/http, ...) before main
// runs, so a kernel that binds its sockets from main makes every start pay
// one or two of those retries. Once a socket listens, the operating system
// completes the client's TCP (or Unix) connection in the listen backlog,
// and the kernel accepts it when it is ready.
//
// The package's init runs when the command line is exactly
// `gopherlab kernel [--debug] CONNECTION_FILE`: it reads the connection file with a
// small, strict parser and binds the sockets it describes, and does nothing
// at all for any other command line or any file it is unsure about, leaving
// the kernel to bind (and to report errors) as it would without it.
//
// Go initialises a package once the packages it imports are initialised,
// taking the first ready one in order of import path. On linux/amd64 and
// linux/arm64 this package makes its few system calls itself and imports
// no package that has an init function, so it is the second package
// initialised (after crypto/internal/fips140deps/cpu), ahead of the heavy
// ones; elsewhere on Linux it uses package syscall and comes right after
// it. Check with GODEBUG=inittrace=1.
//
// main takes the sockets with [Take] and hands them to the kernel server
// (kernel.Options.Listeners), which gives them to zmq4.
//
// Its second init, in every process of the binary (kernel, worker or
// other command), maps all of the program's code and read-only data into
// memory with one madvise(MADV_POPULATE_READ) instead of the several
// hundred page faults the runtime and the package inits would take one by
// one, each costly on a virtual machine: see prefault_linux.go.
package earlybind
