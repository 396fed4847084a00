package mp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"sync/atomic"
	"time"

	"github.com/gopherlab/gopherlab/runtime/shm"
)

// ErrBrokenBarrier is returned by [Barrier.Wait] when the barrier is
// broken: a party died or timed out, or Abort or Reset was called while
// parties were waiting. Python raises BrokenBarrierError.
var ErrBrokenBarrier = errors.New("mp: broken barrier")

// Barrier segment layout.
const (
	barMutex    = 0  // robust mutex guarding the fields below
	barGen      = 8  // futex word: generation, +1 when one completes or breaks
	barCount    = 12 // parties waiting in this generation
	barParties  = 16
	barBroken   = 20
	barPending  = 24 // shared to children that have not opened it yet
	barNReg     = 28 // registered processes
	barOutcome  = 32 // 16 uint32: how generation g ended, at g%16
	barCreator  = 96 // uint64 identity of the creating process
	barShares   = 104
	barSeq      = 108 // last share number
	barRegSlots = 128
	barMaxReg   = 64 // uint64 identities of processes using the barrier

	// Shares to children that have not opened the barrier yet, one slot
	// each: the sharing process's identity (uint64, 0 when the slot is
	// free) and the share number (uint32). A pending child counts as a
	// party while its parent lives; the parent takes the share back when
	// the child fails to start, so that a child that died before opening
	// the barrier does not count.
	barPendSlots = barRegSlots + 8*barMaxReg
	barPendSize  = 16
	barMaxPend   = 64

	outcomePassed = 1
	outcomeBroken = 2
)

// A Barrier makes a fixed number of parties (processes or goroutines)
// wait for each other, like Python's multiprocessing.Barrier: each calls
// Wait, and all return once the last one arrives. It can be reused: the
// next Waits form a new round. Create one with [NewBarrier]; the zero value
// is not usable and a Barrier must not be copied (pass the pointer). Pass
// it to child processes as an argument of [NewProcess] to share it; its
// methods are safe for concurrent use by goroutines and processes.
//
// A party that dies breaks the barrier instead of hanging the others
// (Python hangs): the Barrier remembers which processes use it (those it
// was passed to, those that called Wait, and the process that created it
// when it was passed to fewer processes than there are parties), and when
// fewer of them are alive than there are parties, every waiter gets
// [ErrBrokenBarrier] within about 50 ms. A child counts from the moment
// Process.Start hands it the barrier; if Start fails (the child died
// before running its target), it no longer counts. A process that uses the barrier
// but is not a party (and is alive) can hide a death this way; the
// waiters then wait, as in Python, unless they use WaitTimeout.
type Barrier struct {
	seg  *shm.Segment
	m    *shm.Mutex
	race raceSync
}

var errZeroBarrier = errors.New("mp: use of a Barrier not made by mp.NewBarrier")

// NewBarrier returns a Barrier for parties parties. It panics if parties
// is not positive.
func NewBarrier(parties int) *Barrier {
	if parties <= 0 || parties > math.MaxInt32 {
		panic(fmt.Errorf("mp: Barrier for %d parties: must be at least 1", parties))
	}
	seg := mustSegment(lockSegmentSize)
	*seg.Uint32(barParties) = uint32(parties)
	*seg.Uint64(barCreator) = shm.Self()
	return &Barrier{seg: seg, m: seg.Mutex(barMutex)}
}

func (b *Barrier) valid() {
	if b == nil || b.m == nil {
		panic(errZeroBarrier)
	}
}

func (b *Barrier) u32(off int) *uint32 { return b.seg.Uint32(off) }

// register records this process as a user of the barrier.
func (b *Barrier) register() {
	self := shm.Self()
	if b.registered(self) {
		return
	}
	i := int(atomic.AddUint32(b.u32(barNReg), 1)) - 1
	if i < barMaxReg {
		atomic.StoreUint64(b.seg.Uint64(barRegSlots+8*i), self)
	}
}

// registered reports whether the process id is registered.
func (b *Barrier) registered(id uint64) bool {
	n := min(int(atomic.LoadUint32(b.u32(barNReg))), barMaxReg)
	for i := range n {
		if atomic.LoadUint64(b.seg.Uint64(barRegSlots+8*i)) == id {
			return true
		}
	}
	return false
}

// canComplete reports whether enough processes using the barrier are
// alive (or about to open it) for a round to complete.
func (b *Barrier) canComplete() bool {
	n := int(atomic.LoadUint32(b.u32(barNReg)))
	if n > barMaxReg {
		return true // not all users are known
	}
	alive := int(atomic.LoadUint32(b.u32(barPending)))
	for i := range barMaxPend {
		if id := atomic.LoadUint64(b.seg.Uint64(barPendSlots + barPendSize*i)); id != 0 && shm.Alive(id) {
			alive++
		}
	}
	for i := range n {
		id := atomic.LoadUint64(b.seg.Uint64(barRegSlots + 8*i))
		if id == 0 || shm.Alive(id) {
			alive++ // 0: a registration being written
		}
	}
	// The creator registers when it calls Wait. Until then it counts as
	// a party only if the barrier was passed to too few processes to
	// complete a round without it.
	creator := atomic.LoadUint64(b.seg.Uint64(barCreator))
	if int(atomic.LoadUint32(b.u32(barShares))) < b.Parties() && !b.registered(creator) && shm.Alive(creator) {
		alive++
	}
	return alive >= b.Parties()
}

// lock locks the barrier's fields; if a process died holding them, the
// round it was in is broken.
func (b *Barrier) lock() {
	if b.m.Lock() {
		b.breakLocked()
	}
}

// breakLocked ends the current round as broken and wakes its waiters.
func (b *Barrier) breakLocked() {
	g := atomic.LoadUint32(b.u32(barGen))
	atomic.StoreUint32(b.u32(barOutcome+4*int(g%16)), outcomeBroken)
	atomic.StoreUint32(b.u32(barBroken), 1)
	atomic.StoreUint32(b.u32(barCount), 0)
	atomic.StoreUint32(b.u32(barGen), g+1)
	shm.Wake(b.u32(barGen), math.MaxInt32)
}

// Wait waits until all parties have called Wait, and returns this party's
// arrival index, from 0 for the first to Parties()-1 for the last (as
// Python's wait). It returns [ErrBrokenBarrier] if the barrier is or gets
// broken while waiting.
func (b *Barrier) Wait() (int, error) { return b.WaitTimeout(-1) }

// WaitTimeout is Wait giving up after d (a negative d waits as long as
// needed). As in Python, a timeout breaks the barrier for every party.
func (b *Barrier) WaitTimeout(d time.Duration) (int, error) {
	b.valid()
	b.register()
	if raceEnabled {
		b.race.release()
		defer b.race.acquire()
	}
	var deadline time.Time
	if d >= 0 {
		deadline = time.Now().Add(d)
	}
	b.lock()
	if atomic.LoadUint32(b.u32(barBroken)) != 0 {
		b.m.Unlock()
		return -1, ErrBrokenBarrier
	}
	g := atomic.LoadUint32(b.u32(barGen))
	idx := int(atomic.AddUint32(b.u32(barCount), 1)) - 1
	if idx+1 >= b.Parties() {
		atomic.StoreUint32(b.u32(barOutcome+4*int(g%16)), outcomePassed)
		atomic.StoreUint32(b.u32(barCount), 0)
		atomic.StoreUint32(b.u32(barGen), g+1)
		shm.Wake(b.u32(barGen), math.MaxInt32)
		b.m.Unlock()
		return idx, nil
	}
	b.m.Unlock()
	since := time.Now()
	for {
		if atomic.LoadUint32(b.u32(barGen)) != g {
			if atomic.LoadUint32(b.u32(barOutcome+4*int(g%16))) == outcomePassed {
				return idx, nil
			}
			return -1, ErrBrokenBarrier
		}
		wait := shm.OwnerCheck
		now := time.Now()
		if d >= 0 {
			rem := deadline.Sub(now)
			if rem <= 0 {
				b.breakRound(g)
				continue
			}
			wait = min(wait, rem)
		}
		if now.Sub(since) >= shm.OwnerCheck {
			since = now
			if !b.canComplete() {
				b.breakRound(g)
				continue
			}
		}
		shm.Wait(b.u32(barGen), g, wait)
	}
}

// breakRound breaks round g if it is still the current one.
func (b *Barrier) breakRound(g uint32) {
	b.lock()
	if atomic.LoadUint32(b.u32(barGen)) == g {
		b.breakLocked()
	}
	b.m.Unlock()
}

// Abort breaks the barrier: waiting parties, and later Waits until
// [Barrier.Reset], get [ErrBrokenBarrier].
func (b *Barrier) Abort() {
	b.valid()
	b.lock()
	b.breakLocked()
	b.m.Unlock()
}

// Reset returns the barrier to its initial state. Parties waiting get
// [ErrBrokenBarrier].
func (b *Barrier) Reset() {
	b.valid()
	b.lock()
	if atomic.LoadUint32(b.u32(barCount)) > 0 {
		b.breakLocked()
	}
	atomic.StoreUint32(b.u32(barBroken), 0)
	b.m.Unlock()
}

// Parties returns the number of parties the barrier waits for.
func (b *Barrier) Parties() int {
	b.valid()
	return int(atomic.LoadUint32(b.u32(barParties)))
}

// Waiting returns the number of parties waiting in the current round.
func (b *Barrier) Waiting() int {
	b.valid()
	return int(atomic.LoadUint32(b.u32(barCount)))
}

// Broken reports whether the barrier is broken.
func (b *Barrier) Broken() bool {
	b.valid()
	return atomic.LoadUint32(b.u32(barBroken)) != 0
}

// String describes b, for instance "Barrier(1/3 waiting)".
func (b *Barrier) String() string {
	if b == nil || b.m == nil {
		return "Barrier(invalid)"
	}
	if b.Broken() {
		return fmt.Sprintf("Barrier(%d parties, broken)", b.Parties())
	}
	return fmt.Sprintf("Barrier(%d/%d waiting)", b.Waiting(), b.Parties())
}

const kindBarrier = "mp.Barrier"

func init() {
	registerKind(kindBarrier, func(files []*os.File, meta []byte) (any, error) {
		seg, err := openOne(files, "Barrier")
		if err != nil {
			return nil, err
		}
		if len(meta) != 8 {
			seg.Close()
			return nil, errors.New("mp: open shared Barrier: bad description")
		}
		b := &Barrier{seg: seg, m: seg.Mutex(barMutex)}
		b.register() // before the share is taken back: always counted
		b.unshare(meta, true)
		return b, nil
	})
}

// share records the child it is shared with as pending until the child
// opens the barrier, so that the child counts as a party meanwhile. The
// metadata names the pending slot (from 1; 0 when every slot was taken
// and the child is only counted in barPending) and the share number.
func (b *Barrier) share() (string, []*os.File, []byte, error) {
	if b == nil || b.m == nil {
		return "", nil, nil, errZeroBarrier
	}
	atomic.AddUint32(b.u32(barShares), 1)
	seq := atomic.AddUint32(b.u32(barSeq), 1)
	if seq == 0 {
		seq = atomic.AddUint32(b.u32(barSeq), 1)
	}
	slot := 0
	for i := range barMaxPend {
		off := barPendSlots + barPendSize*i
		if atomic.CompareAndSwapUint64(b.seg.Uint64(off), 0, shm.Self()) {
			atomic.StoreUint32(b.u32(off+8), seq)
			slot = i + 1
			break
		}
	}
	if slot == 0 {
		// More than barMaxPend children starting at once: this one is
		// counted without its parent's identity, and a death before
		// it opens the barrier goes unnoticed.
		atomic.AddUint32(b.u32(barPending), 1)
	}
	meta := binary.LittleEndian.AppendUint32(nil, uint32(slot))
	meta = binary.LittleEndian.AppendUint32(meta, seq)
	return kindBarrier, []*os.File{b.seg.File()}, meta, nil
}

// unshare ends the pending share described by meta: the child opened the
// barrier (child is true), or it failed to start (called by the parent).
// Only the first of the two calls has an effect.
func (b *Barrier) unshare(meta []byte, child bool) {
	if len(meta) != 8 {
		return
	}
	slot := int(binary.LittleEndian.Uint32(meta))
	seq := binary.LittleEndian.Uint32(meta[4:])
	if slot == 0 {
		// Counted in barPending: only the child can tell it opened.
		for child {
			p := atomic.LoadUint32(b.u32(barPending))
			if p == 0 || atomic.CompareAndSwapUint32(b.u32(barPending), p, p-1) {
				return
			}
		}
		return
	}
	if slot > barMaxPend {
		return
	}
	off := barPendSlots + barPendSize*(slot-1)
	if atomic.CompareAndSwapUint32(b.u32(off+8), seq, 0) {
		atomic.StoreUint64(b.seg.Uint64(off), 0)
	}
}
