package mp

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gopherlab/gopherlab/runtime/shm"
)

// An RLock is a reentrant lock shared by processes, like Python's
// multiprocessing.RLock: the goroutine holding it may lock it again, and
// must unlock it as many times as it locked it before another goroutine or
// process can have it. Create one with [NewRLock]; the zero value is not
// usable and an RLock must not be copied (pass the pointer). Pass it to a
// child process as an argument of [NewProcess] to share it. Like [Lock],
// it is robust: when the holding process dies, the next waiter takes it
// within about 50 ms and [RLock.OwnerDied] reports it.
//
// The owner is a goroutine of a process; finding the goroutine costs
// about a microsecond per Lock, so use [Lock] where speed matters.
type RLock struct {
	seg   *shm.Segment
	m     *shm.Mutex
	gid   *uint64 // owning goroutine, in shared memory
	depth *uint32 // how many times the owner locked it
	died  bool
	race  raceSync
}

// RLock segment layout: the mutex word, the owner goroutine, the depth.
const (
	rlockGID   = 8
	rlockDepth = 16
)

var errZeroRLock = errors.New("mp: use of an RLock not made by mp.NewRLock")

// NewRLock returns a new unlocked RLock in shared memory. It panics if the
// system cannot provide shared memory.
func NewRLock() *RLock { return rlockAt(mustSegment(lockSegmentSize)) }

func rlockAt(seg *shm.Segment) *RLock {
	return &RLock{seg: seg, m: seg.Mutex(0), gid: seg.Uint64(rlockGID), depth: seg.Uint32(rlockDepth)}
}

// goid returns the id of the calling goroutine.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}

func (r *RLock) mine(g uint64) bool {
	return r.m.Owner() == shm.Pid(shm.Self()) && atomic.LoadUint64(r.gid) == g
}

// Lock locks r, waiting as long as needed, or adds one level if the
// calling goroutine already holds it.
func (r *RLock) Lock() {
	r.LockTimeout(-1)
}

// TryLock locks r without waiting if it is free (or held by this
// goroutine) and reports whether it did.
func (r *RLock) TryLock() bool { return r.LockTimeout(0) }

// LockTimeout locks r, waiting at most d (a negative d waits as long as
// needed), and reports whether it did.
func (r *RLock) LockTimeout(d time.Duration) bool {
	if r == nil || r.m == nil {
		panic(errZeroRLock)
	}
	g := goid()
	if r.mine(g) {
		atomic.AddUint32(r.depth, 1)
		return true
	}
	var ok, died bool
	if d == 0 {
		ok, died = r.m.TryLock()
	} else {
		ok, died = r.m.LockTimeout(d)
	}
	if !ok {
		return false
	}
	if raceEnabled {
		r.race.acquire()
	}
	r.died = died
	atomic.StoreUint64(r.gid, g)
	atomic.StoreUint32(r.depth, 1)
	return true
}

// Unlock removes one level of locking; the last Unlock frees r. Only the
// goroutine holding r may unlock it: Unlock panics otherwise (Python
// raises RuntimeError).
func (r *RLock) Unlock() {
	if r == nil || r.m == nil {
		panic(errZeroRLock)
	}
	if !r.mine(goid()) {
		panic(errors.New("mp: Unlock of an RLock this goroutine does not hold: unlock it in the goroutine that locked it, once per Lock"))
	}
	if atomic.AddUint32(r.depth, ^uint32(0)) > 0 {
		return
	}
	atomic.StoreUint64(r.gid, 0)
	if raceEnabled {
		r.race.release()
	}
	r.m.Unlock()
}

// OwnerDied reports whether the last acquisition of r took it over from a
// process that died holding it.
func (r *RLock) OwnerDied() bool { return r.died }

// String describes r, for instance "RLock(unlocked)" or "RLock(locked 2
// times by pid 1234)".
func (r *RLock) String() string {
	if r == nil || r.m == nil {
		return "RLock(invalid)"
	}
	if p := r.m.Owner(); p != 0 {
		return fmt.Sprintf("RLock(locked %d times by pid %d)", atomic.LoadUint32(r.depth), p)
	}
	return "RLock(unlocked)"
}

const kindRLock = "mp.RLock"

func init() {
	registerKind(kindRLock, func(files []*os.File, meta []byte) (any, error) {
		seg, err := openOne(files, "RLock")
		if err != nil {
			return nil, err
		}
		return rlockAt(seg), nil
	})
}

func (r *RLock) share() (string, []*os.File, []byte, error) {
	if r == nil || r.m == nil {
		return "", nil, nil, errZeroRLock
	}
	return kindRLock, []*os.File{r.seg.File()}, nil, nil
}

// openOne maps the one-page segment of a shared object of the named type.
func openOne(files []*os.File, what string) (*shm.Segment, error) {
	if len(files) != 1 {
		return nil, fmt.Errorf("mp: open shared %s: bad description", what)
	}
	seg, err := shm.Open(files[0])
	if err != nil {
		return nil, fmt.Errorf("mp: open shared %s: %w", what, err)
	}
	if seg.Len() < lockSegmentSize {
		seg.Close()
		return nil, fmt.Errorf("mp: open shared %s: memory too small", what)
	}
	return seg, nil
}
