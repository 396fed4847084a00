// Package reliability holds the reliability and security suite of the
// gopherlab kernel: tests only. They build the gopherlab binary, start
// `gopherlab kernel CONNECTION_FILE` themselves and drive it with a small
// ZeroMQ client, as a Jupyter front end would.
//
// # What the suite checks
//
//   - security: messages with a wrong, missing or replayed signature are
//     dropped, logged and never run; the kernel listens only on the address
//     of its connection file; a missing, unreadable or malformed connection
//     file ends the kernel with a clear message; shared memory is anonymous
//     (memfd) and never appears in /dev/shm;
//   - faults: a client that goes away in the middle of a cell and comes back
//     with new sockets finds the kernel working; a kernel killed with SIGKILL
//     leaves no child process behind; a child killed while holding an
//     mp.Lock does not deadlock the others;
//   - soak: many executes in a row of a learner's mix (statements, calls
//     of a declared function, prints, compile errors, panics, child
//     processes) with the kernel's resident memory after a garbage
//     collection growing by less than 10% from the end of a warm-up (a
//     tenth of the executes) to the end; the same mix on a session in the
//     test's own process keeping less than 1 KiB of heap an execute, and a
//     variable declared again keeping only its new value; and many kernel
//     starts and shutdowns without leaked processes, file descriptors or
//     /dev/shm entries;
//   - load: eight clients with distinct identities on one kernel each get
//     all of their replies.
//
// The tests skip under -short. The long soak (10,000 executes, 100
// restarts) runs with GOPHERLAB_SOAK=1; without it the suite runs a short
// version (500 executes, 10 restarts). The tests print their figures with
// t.Logf: run them with -v to see them.
package reliability
