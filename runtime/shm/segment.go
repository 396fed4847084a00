package shm

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A Segment is a block of memory shared between processes: every process
// that maps the segment's file sees the same bytes.
//
// A Segment is created with [New] or [Open]; the zero value is not usable.
// Its methods are safe for concurrent use, but the memory returned by
// [Segment.Bytes] is plain memory: processes and goroutines writing it
// concurrently must synchronise, with sync/atomic or a [Mutex].
type Segment struct {
	m    *mapping
	f    *os.File
	b    []byte
	size int
}

// unmapDelay is how long after a Segment became unreachable its memory
// is unmapped.
const unmapDelay = time.Second

// mapping is what a Segment's cleanup releases; it does not point back to
// the Segment, so that the Segment can become unreachable.
type mapping struct {
	mu     sync.Mutex
	f      *os.File
	b      []byte
	pinned bool
}

func (m *mapping) release(unmap bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.f == nil {
		return nil
	}
	var err error
	if unmap && !m.pinned {
		err = unix.Munmap(m.b)
	}
	if cerr := m.f.Close(); err == nil {
		err = cerr
	}
	m.f, m.b = nil, nil
	return err
}

// New creates a zero-filled segment of size bytes, backed by an anonymous
// memory file (memfd_create with MFD_CLOEXEC; where that is unavailable, a
// 0600 file created with O_EXCL in /dev/shm and unlinked at once). The file
// has close-on-exec set: pass [Segment.File] explicitly to a child (for
// instance in exec.Cmd.ExtraFiles) to share the memory with it.
func New(size int) (*Segment, error) {
	if size <= 0 {
		return nil, fmt.Errorf("shm: segment size %d: must be positive", size)
	}
	f, err := memfd()
	if err != nil {
		return nil, err
	}
	if err := f.Truncate(int64(size)); err != nil {
		f.Close()
		return nil, fmt.Errorf("shm: size segment: %w", err)
	}
	return mapFile(f, size)
}

// Open maps the segment whose file f was inherited from another process. The
// size is the file's size. Open takes ownership of f: [Segment.Close] closes
// it, and f must not be closed by the caller.
func Open(f *os.File) (*Segment, error) {
	if f == nil {
		return nil, errors.New("shm: open segment: nil file")
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return nil, fmt.Errorf("shm: open segment: %w", err)
	}
	if st.Size <= 0 {
		return nil, fmt.Errorf("shm: open segment %s: empty file", f.Name())
	}
	return mapFile(f, int(st.Size))
}

// memfdCreate is unix.MemfdCreate; tests replace it to exercise the
// /dev/shm fallback.
var memfdCreate = unix.MemfdCreate

func memfd() (*os.File, error) {
	fd, err := memfdCreate("gopherlab-shm", unix.MFD_CLOEXEC)
	if err == nil {
		return os.NewFile(uintptr(fd), "memfd:gopherlab-shm"), nil
	}
	// Kernels before 3.17 or seccomp filters: an unlinked file in /dev/shm.
	var rnd [8]byte
	rand.Read(rnd[:])
	name := "/dev/shm/gopherlab-" + hex.EncodeToString(rnd[:])
	f, err2 := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|unix.O_CLOEXEC, 0o600)
	if err2 != nil {
		return nil, fmt.Errorf("shm: create segment: memfd_create: %v; /dev/shm: %w", err, err2)
	}
	os.Remove(name)
	return f, nil
}

func mapFile(f *os.File, size int) (*Segment, error) {
	b, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("shm: map segment: %w", err)
	}
	m := &mapping{f: f, b: b}
	s := &Segment{m: m, f: f, b: b, size: size}
	runtime.AddCleanup(s, func(m *mapping) {
		// A method of an object over this memory may still be finishing
		// an access it started when the object became unreachable: unmap
		// a little later.
		time.AfterFunc(unmapDelay, func() { m.release(true) })
	}, m)
	return s, nil
}

// Bytes returns the segment's memory. The slice stays valid until
// [Segment.Close] or until the Segment is unreachable, unless the segment
// is pinned ([Segment.Pin]); using it afterwards faults.
func (s *Segment) Bytes() []byte { return s.b }

// Len returns the segment's size in bytes.
func (s *Segment) Len() int { return s.size }

// File returns the file backing the segment, for passing to a child process.
// It stays owned by the segment: do not close it.
func (s *Segment) File() *os.File { return s.f }

// Close unmaps the memory (unless [Segment.Pin] was called) and closes the
// file. The memory itself lives on while another process maps it or holds
// its file. Closing twice is a no-op. A Segment that becomes unreachable
// without Close is closed by a cleanup (runtime.AddCleanup).
func (s *Segment) Close() error {
	if err := s.m.release(true); err != nil {
		return fmt.Errorf("shm: close segment: %w", err)
	}
	return nil
}

// Pin keeps the memory mapped until the process exits, even after Close or
// when the Segment becomes unreachable. Call it before handing out slices
// of the memory that may outlive the Segment.
func (s *Segment) Pin() {
	s.m.mu.Lock()
	s.m.pinned = true
	s.m.mu.Unlock()
}

// Uint32 returns a pointer to the 4-byte word at byte offset off, for use
// with sync/atomic, [Wait] and [Wake]. It panics if off is not 4-byte aligned
// or out of range.
func (s *Segment) Uint32(off int) *uint32 {
	s.check(off, 4)
	return (*uint32)(unsafe.Pointer(&s.b[off]))
}

// Uint64 returns a pointer to the 8-byte word at byte offset off, for use
// with sync/atomic. It panics if off is not 8-byte aligned or out of range.
func (s *Segment) Uint64(off int) *uint64 {
	s.check(off, 8)
	return (*uint64)(unsafe.Pointer(&s.b[off]))
}

// Mutex returns the [Mutex] whose lock word is at byte offset off (8 bytes,
// 8-byte aligned). Fresh segment memory is zero, which is an unlocked Mutex.
func (s *Segment) Mutex(off int) *Mutex {
	s.check(off, 8)
	return (*Mutex)(unsafe.Pointer(&s.b[off]))
}

func (s *Segment) check(off, size int) {
	if off < 0 || off+size > len(s.b) || off%size != 0 {
		panic(fmt.Sprintf("shm: offset %d: not a %d-byte aligned word inside a %d-byte segment", off, size, len(s.b)))
	}
}
