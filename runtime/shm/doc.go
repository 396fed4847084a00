// Package shm provides the low-level pieces runtime/mp is built on: shared
// memory segments that several processes map, futex waits and wakes on words
// in that memory, and a robust process-shared mutex word, as sync/atomic sits
// under sync.
//
// # Segments
//
// A [Segment] is an anonymous memory file (memfd_create, or a file in
// /dev/shm unlinked as soon as it is created) mapped with MAP_SHARED. A child
// process that inherits the segment's file maps the same pages with [Open].
// No name is ever left in the file system: the memory is freed when the last
// process holding a file or a mapping of it exits, whatever way it exits.
//
// # Futexes
//
// [Wait] and [Wake] are FUTEX_WAIT and FUTEX_WAKE without FUTEX_PRIVATE_FLAG,
// so they work between processes that map the same segment.
//
// # Robust mutex
//
// [Mutex] is two 32-bit words in shared memory: the owner's process id and
// start time, and a flag saying waiters may sleep. An uncontended Lock is
// one compare-and-swap and an uncontended Unlock one store; waiters sleep in
// the kernel in short slices and, between slices, check that the owner is
// still alive. When the owner died holding the lock, the next waiter takes
// it over within about [OwnerCheck] and is told so.
package shm
