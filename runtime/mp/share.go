package mp

import (
	"fmt"
	"os"
	"sync"
)

// sharer is implemented by every mp type whose state is shared between
// processes (Lock, Value, Array, Queue, Pipe, ...). When such an object is an
// argument of a Process, the parent passes the files (shared-memory segments,
// socket ends) to the child, and the child rebuilds an object over the same
// memory with the opener registered for kind. Nothing is copied.
type sharer interface {
	// share describes the object: a kind registered with registerKind, the
	// files the child must inherit, and kind-specific metadata.
	share() (kind string, files []*os.File, meta []byte, err error)
}

// unsharer is implemented by shared objects that keep track of a share
// until the child opens the object (Barrier counts such a child as a
// party). unshare(meta, false) takes back a share whose child did not
// start; the child's opener calls it with true. Only the first call for a
// share has an effect.
type unsharer interface {
	unshare(meta []byte, child bool)
}

// opener rebuilds a shared object in a child from inherited files and the
// metadata its share method produced. It returns a pointer of the same type
// the parent passed (for instance *Lock).
type opener func(files []*os.File, meta []byte) (any, error)

var (
	kindsMu sync.Mutex
	kinds   = map[string]opener{}
)

// registerKind registers how a child rebuilds objects of kind. It is called
// from init functions; a kind registered twice panics.
func registerKind(kind string, open opener) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, dup := kinds[kind]; dup {
		panic("mp: kind registered twice: " + kind)
	}
	kinds[kind] = open
}

// openShared rebuilds a shared object of kind in a child.
func openShared(kind string, files []*os.File, meta []byte) (any, error) {
	kindsMu.Lock()
	open := kinds[kind]
	kindsMu.Unlock()
	if open == nil {
		return nil, fmt.Errorf("mp: unknown shared kind %q", kind)
	}
	return open(files, meta)
}
