package mp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopherlab/gopherlab/runtime/shm"
)

// A Queue is a first-in first-out queue shared by processes, like Python's
// multiprocessing.Queue: any number of processes (and goroutines) put
// values in and get them out, each value got exactly once. Create one with
// [NewQueue]; the zero value is not usable. Pass the *Queue to a child as
// an argument of [NewProcess] to share it. Its methods are safe for
// concurrent use by goroutines and processes.
//
// Values are copied as a fork would copy them: numbers, strings, slices,
// arrays, maps, structs (unexported fields too), pointers (nil stays nil;
// pointers to the same variable still are in the copy), interface values
// whose dynamic value can be copied ([]any{42, nil, "hello"}), time.Time
// and other types that marshal themselves, and top-level functions (by
// name). Channels, function literals, open files and shared objects cannot
// be sent: Put returns an error saying so. [Queue.Get] returns values with
// their own type; [Queue.GetInto] decodes into a variable of your choice.
//
// A Queue holds at most its capacity of values: Put waits while it is full.
// Its values live in a kernel socket buffer, with values larger than 32 KiB
// in memory files, and its counters in shared memory.
type Queue struct {
	mu       sync.RWMutex // write-locked by Close
	closed   atomic.Bool
	in, out  *conn // Put sends on in; Get receives from out
	seg      *shm.Segment
	free     *uint32 // free slots, when bounded (futex word)
	count    *uint32 // values in the queue
	capacity int
}

// Queue counter layout in the segment.
const (
	queueFreeOff  = 0
	queueCountOff = 4
	queueSegSize  = 4096
)

var (
	// ErrEmpty is returned by [Queue.GetTimeout] when no value arrived in
	// time (Python raises queue.Empty).
	ErrEmpty = errors.New("mp: queue empty")
	// ErrFull is returned by [Queue.PutTimeout] when the queue stayed full
	// (Python raises queue.Full).
	ErrFull = errors.New("mp: queue full")
)

// NewQueue returns an empty Queue that holds at most capacity values;
// capacity <= 0 means as many as the system's socket buffer holds (a few
// hundred small values: Put then waits for a Get). It panics if the system
// has no file descriptors or memory left.
func NewQueue(capacity int) *Queue {
	in, out, err := newConnPair()
	if err != nil {
		panic(fmt.Errorf("mp: NewQueue: %w", err))
	}
	seg := mustSegment(queueSegSize)
	if capacity < 0 {
		capacity = 0
	}
	q := queueOver(in, out, seg, capacity)
	atomic.StoreUint32(q.free, uint32(capacity))
	return q
}

func queueOver(in, out *conn, seg *shm.Segment, capacity int) *Queue {
	return &Queue{in: in, out: out, seg: seg, capacity: capacity,
		free: seg.Uint32(queueFreeOff), count: seg.Uint32(queueCountOff)}
}

// use read-locks q for an operation; release with q.mu.RUnlock.
func (q *Queue) use() error {
	if q == nil || q.seg == nil {
		return errors.New("mp: use of a Queue not made by mp.NewQueue")
	}
	q.mu.RLock()
	if q.closed.Load() {
		q.mu.RUnlock()
		return ErrClosed
	}
	return nil
}

// Put adds v at the end of the queue, waiting while the queue is full. It
// returns an error when v cannot be copied to another process or when q
// was closed.
func (q *Queue) Put(v any) error { return q.PutTimeout(v, -1) }

// PutTimeout is Put waiting at most d for room; it returns [ErrFull] when
// the queue stayed full. A negative d waits as long as needed.
func (q *Queue) PutTimeout(v any, d time.Duration) error {
	data, err := encodeItem(v)
	if err != nil {
		return err
	}
	return q.putBytes(data, deadlineAfter(d))
}

func (q *Queue) putBytes(data []byte, deadline time.Time) error {
	if err := q.use(); err != nil {
		return err
	}
	defer q.mu.RUnlock()
	if q.capacity > 0 {
		if err := q.takeSlot(deadline); err != nil {
			return err
		}
	}
	atomic.AddUint32(q.count, 1)
	if err := q.in.send(data, nil, deadline); err != nil {
		atomic.AddUint32(q.count, ^uint32(0))
		if q.capacity > 0 {
			q.giveSlot()
		}
		if err == errTimeout {
			return ErrFull
		}
		return err
	}
	return nil
}

// takeSlot takes one free slot, waiting until the deadline.
func (q *Queue) takeSlot(deadline time.Time) error {
	for {
		f := atomic.LoadUint32(q.free)
		if f > 0 {
			if atomic.CompareAndSwapUint32(q.free, f, f-1) {
				return nil
			}
			continue
		}
		if q.closed.Load() {
			return ErrClosed
		}
		wait := 100 * time.Millisecond // recheck closed now and then
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 {
				return ErrFull
			}
			wait = min(wait, left)
		}
		shm.Wait(q.free, 0, wait)
	}
}

func (q *Queue) giveSlot() {
	atomic.AddUint32(q.free, 1)
	shm.Wake(q.free, 1)
}

// Get removes and returns the value at the front of the queue, waiting
// while the queue is empty. The value has the type it was put with: types
// declared in notebook cells and named types of the running program are
// found by name, others are rebuilt from the value's structure (see
// [RegisterType] for values sent by a different program).
func (q *Queue) Get() (any, error) { return q.GetTimeout(-1) }

// GetTimeout is Get waiting at most d; it returns [ErrEmpty] when no value
// came. A negative d waits as long as needed; 0 does not wait.
func (q *Queue) GetTimeout(d time.Duration) (any, error) {
	data, err := q.getBytes(deadlineAfter(d))
	if err != nil {
		return nil, err
	}
	return decodeItem(data)
}

// GetInto removes the value at the front of the queue and stores it in the
// variable ptr points to, waiting while the queue is empty. The variable's
// type must have the structure of the value's (struct fields in the same
// order, with the same names); numbers convert to any numeric type they
// fit, as constants do. The error says what differs.
func (q *Queue) GetInto(ptr any) error {
	data, err := q.getBytes(time.Time{})
	if err != nil {
		return err
	}
	return decodeItemInto(data, ptr)
}

func (q *Queue) getBytes(deadline time.Time) ([]byte, error) {
	if err := q.use(); err != nil {
		return nil, err
	}
	defer q.mu.RUnlock()
	data, files, err := q.out.recv(deadline)
	closeFiles(files)
	if err != nil {
		if q.closed.Load() {
			return nil, ErrClosed
		}
		if err == errTimeout {
			return nil, ErrEmpty
		}
		return nil, err
	}
	atomic.AddUint32(q.count, ^uint32(0))
	if q.capacity > 0 {
		q.giveSlot()
	}
	return data, nil
}

// Len returns the number of values in the queue. Other processes may
// change it at any moment, so the answer is approximate (Python's qsize).
func (q *Queue) Len() int {
	if err := q.use(); err != nil {
		return 0
	}
	defer q.mu.RUnlock()
	return int(int32(atomic.LoadUint32(q.count)))
}

// Cap returns the queue's capacity, 0 when it is bounded only by the
// system's socket buffer.
func (q *Queue) Cap() int { return q.capacity }

// Close releases this process's hold on the queue: later calls in this
// process return [ErrClosed], and goroutines waiting in Put or Get return
// it. Other processes keep using the queue; its memory is freed when the
// last process closes it or exits. Closing twice is a no-op.
func (q *Queue) Close() error {
	if q == nil || q.seg == nil || q.closed.Swap(true) {
		return nil
	}
	q.out.close()
	q.in.close()
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.seg.Close()
}

// String describes the queue, for instance "Queue(len 3, cap 10)".
func (q *Queue) String() string {
	if q.closed.Load() {
		return "Queue(closed)"
	}
	return fmt.Sprintf("Queue(len %d, cap %d)", q.Len(), q.capacity)
}

const kindQueue = "mp.Queue"

func init() { registerKind(kindQueue, openQueue) }

func (q *Queue) share() (string, []*os.File, []byte, error) {
	if err := q.use(); err != nil {
		return "", nil, nil, err
	}
	defer q.mu.RUnlock()
	meta := binary.LittleEndian.AppendUint64(nil, uint64(q.capacity))
	return kindQueue, []*os.File{q.in.file(), q.out.file(), q.seg.File()}, meta, nil
}

func openQueue(files []*os.File, meta []byte) (any, error) {
	if len(files) != 3 || len(meta) != 8 {
		closeFiles(files)
		return nil, errors.New("mp: open shared Queue: bad description")
	}
	seg, err := shm.Open(files[2])
	if err != nil {
		closeFiles(files[:2])
		return nil, fmt.Errorf("mp: open shared Queue: %w", err)
	}
	return queueOver(newConn(files[0]), newConn(files[1]), seg, int(binary.LittleEndian.Uint64(meta))), nil
}
