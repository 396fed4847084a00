// Package kernel is the gopherlab Jupyter kernel server: it binds the five
// sockets of a connection file, reads messages with package wire, runs
// cells through a [session.Session] and publishes what they produce.
//
// The server follows the Jupyter messaging protocol, version 5.4:
// https://jupyter-client.readthedocs.io/en/stable/messaging.html.
//
// # Channels
//
// Shell requests are served one at a time, in order, on their own
// goroutine. Control requests are served concurrently with a running cell,
// so interrupt_request and shutdown_request always get through. The
// heartbeat echoes on its own goroutine. Every request on shell and control
// is wrapped in IOPub status messages busy and idle whose parent is the
// request.
//
// # Start
//
// A Jupyter client connects as soon as it has started the kernel process,
// and libzmq retries a refused connection only every 100ms or more. The
// gopherlab command therefore binds the sockets while the program is still
// initialising (package kernel/internal/earlybind) and passes them in
// [Options.Listeners]; the server answers kernel_info_request without the
// session, which the command builds once [Server.Greeted] is closed.
//
// # Output
//
// Stream text from a cell is coalesced: it is buffered per stream and
// flushed when a buffer passes [Options.FlushSize], after
// [Options.FlushInterval], before any other output and when the cell ends.
// With [Options.CaptureStdio], what the process writes to its file
// descriptors 1 and 2 (compiled code, child processes) reaches the cell too,
// while the kernel's own log goes to the original standard error.
package kernel
