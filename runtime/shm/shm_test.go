package shm

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The test binary re-executes itself as a helper process: the child runs
// TestHelperProcess with SHM_TEST_HELPER naming what to do, and finds the
// segment at fd 3.
const helperEnv = "SHM_TEST_HELPER"

func helper(t *testing.T, what string, seg *Segment, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+what)
	cmd.Args = append(cmd.Args, append([]string{"--"}, args...)...)
	cmd.ExtraFiles = []*os.File{seg.File()}
	cmd.Stderr = os.Stderr
	cmd.Stdout = os.Stderr
	return cmd
}

func TestHelperProcess(t *testing.T) {
	what := os.Getenv(helperEnv)
	if what == "" {
		t.Skip("helper process for other tests")
	}
	var args []string
	for i, a := range os.Args {
		if a == "--" {
			args = os.Args[i+1:]
		}
	}
	seg, err := Open(os.NewFile(3, "segment"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	switch what {
	case "write":
		copy(seg.Bytes(), args[0])
	case "wake":
		// Wait for the parent to publish 1, then set word 4 and wake.
		for atomic.LoadUint32(seg.Uint32(0)) != 1 {
			Wait(seg.Uint32(0), 0, time.Second)
		}
		atomic.StoreUint32(seg.Uint32(4), 7)
		Wake(seg.Uint32(4), 1)
	case "incr":
		n, _ := strconv.Atoi(args[0])
		m := seg.Mutex(0)
		p := seg.Uint64(8)
		for range n {
			m.Lock()
			// Not atomic on purpose: only the mutex protects it.
			v := atomic.LoadUint64(p)
			atomic.StoreUint64(p, v+1)
			m.Unlock()
		}
	case "incr-slow":
		// Hold the mutex long enough that the others sleep in the kernel.
		n, _ := strconv.Atoi(args[0])
		m := seg.Mutex(0)
		p := seg.Uint64(8)
		for range n {
			m.Lock()
			v := atomic.LoadUint64(p)
			for t0 := time.Now(); time.Since(t0) < 50*time.Microsecond; {
			}
			atomic.StoreUint64(p, v+1)
			m.Unlock()
		}
	case "unlock":
		// Unlock the parent's mutex: any process may.
		if err := seg.Mutex(0).Unlock(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case "hold":
		// Lock, say so, and wait to be killed.
		seg.Mutex(0).Lock()
		atomic.StoreUint32(seg.Uint32(16), 1)
		Wake(seg.Uint32(16), 1)
		time.Sleep(time.Minute)
	}
	os.Exit(0)
}

func TestSegmentSharedWithChild(t *testing.T) {
	seg := newSegment(t, 4096)
	if seg.Len() != 4096 || len(seg.Bytes()) != 4096 {
		t.Fatalf("Len = %d, len(Bytes) = %d, want 4096", seg.Len(), len(seg.Bytes()))
	}
	if err := helper(t, "write", seg, "hello from the child").Run(); err != nil {
		t.Fatal(err)
	}
	if got := string(seg.Bytes()[:20]); got != "hello from the child" {
		t.Errorf("parent reads %q, want the child's write", got)
	}
}

func TestNewBadSize(t *testing.T) {
	for _, n := range []int{0, -1} {
		if _, err := New(n); err == nil {
			t.Errorf("New(%d) succeeded", n)
		}
	}
}

func TestOpenBadFile(t *testing.T) {
	if _, err := Open(nil); err == nil {
		t.Error("Open(nil) succeeded")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "empty"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(f); err == nil {
		t.Error("Open(empty file) succeeded")
	}
}

func TestCloseTwice(t *testing.T) {
	seg, err := New(64)
	if err != nil {
		t.Fatal(err)
	}
	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
	if err := seg.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestWordAlignment(t *testing.T) {
	seg := newSegment(t, 64)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"Uint32 odd", func() { seg.Uint32(2) }},
		{"Uint64 past end", func() { seg.Uint64(64) }},
		{"Mutex unaligned", func() { seg.Mutex(4) }},
		{"negative", func() { seg.Uint32(-4) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.f()
		})
	}
}

func TestFutexAcrossProcesses(t *testing.T) {
	seg := newSegment(t, 64)
	cmd := helper(t, "wake", seg)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	atomic.StoreUint32(seg.Uint32(0), 1)
	Wake(seg.Uint32(0), 1)
	deadline := time.Now().Add(10 * time.Second)
	for atomic.LoadUint32(seg.Uint32(4)) != 7 {
		if time.Now().After(deadline) {
			t.Fatal("child's wake never seen")
		}
		Wait(seg.Uint32(4), 0, time.Second)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestWaitTimeout(t *testing.T) {
	var w uint32
	if err := Wait(&w, 0, time.Millisecond); err != ErrTimeout {
		t.Errorf("Wait on unchanged word = %v, want ErrTimeout", err)
	}
	if err := Wait(&w, 1, time.Second); err != nil {
		t.Errorf("Wait on changed word = %v, want nil at once", err)
	}
}

func TestMutexExcludesProcesses(t *testing.T) {
	seg := newSegment(t, 64)
	incrementInProcesses(t, seg, "incr", 3, 20000)
}

// incrementInProcesses runs procs helper processes in mode, each adding n to
// the counter at offset 8 of seg under the mutex at offset 0, and checks
// the total.
func incrementInProcesses(t *testing.T, seg *Segment, mode string, procs, n int) {
	t.Helper()
	var cmds []*exec.Cmd
	for range procs {
		c := helper(t, mode, seg, strconv.Itoa(n))
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if got := atomic.LoadUint64(seg.Uint64(8)); got != uint64(procs*n) {
		t.Errorf("counter = %d, want %d", got, procs*n)
	}
}

// TestMutexSleepersAcrossProcesses makes waiters sleep in the kernel (each
// holder sleeps inside the lock) so that every Unlock hands the mutex to a
// sleeping process through the waiters word and a futex wake.
func TestMutexSleepersAcrossProcesses(t *testing.T) {
	seg := newSegment(t, 64)
	const procs, n = 3, 300
	start := time.Now()
	incrementInProcesses(t, seg, "incr-slow", procs, n)
	t.Logf("%d critical sections of 50 µs in %v, starts included", procs*n, time.Since(start))
}

func TestMutexGoroutines(t *testing.T) {
	seg := newSegment(t, 64)
	m := seg.Mutex(0)
	p := seg.Uint64(8)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5000 {
				m.Lock()
				atomic.StoreUint64(p, atomic.LoadUint64(p)+1)
				if err := m.Unlock(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if got := atomic.LoadUint64(p); got != 20000 {
		t.Errorf("counter = %d, want 20000", got)
	}
}

func TestMutexUnlockUnlocked(t *testing.T) {
	var m Mutex
	if err := m.Unlock(); err != ErrNotLocked {
		t.Errorf("Unlock of unlocked = %v, want ErrNotLocked", err)
	}
}

func TestMutexTimeout(t *testing.T) {
	var m Mutex
	m.Lock()
	if ok, _ := m.TryLock(); ok {
		t.Error("TryLock of a locked mutex succeeded")
	}
	if ok, _ := m.LockTimeout(20 * time.Millisecond); ok {
		t.Error("LockTimeout of a locked mutex succeeded")
	}
	if m.Owner() != os.Getpid() {
		t.Errorf("Owner = %d, want %d", m.Owner(), os.Getpid())
	}
	m.Unlock()
	if ok, died := m.LockTimeout(time.Second); !ok || died {
		t.Errorf("LockTimeout of a free mutex = %v, %v", ok, died)
	}
}

func TestMutexOwnerDies(t *testing.T) {
	seg := newSegment(t, 64)
	cmd := helper(t, "hold", seg)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for atomic.LoadUint32(seg.Uint32(16)) == 0 {
		Wait(seg.Uint32(16), 0, time.Second)
	}
	m := seg.Mutex(0)
	if m.Owner() != cmd.Process.Pid {
		t.Fatalf("Owner = %d, want the child %d", m.Owner(), cmd.Process.Pid)
	}
	if ok, _ := m.TryLock(); ok {
		t.Fatal("TryLock succeeded while the child holds the mutex")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	// Do not reap the child yet: a zombie owner must count as dead too.
	start := time.Now()
	ok, died := m.LockTimeout(5 * time.Second)
	took := time.Since(start)
	if !ok || !died {
		t.Fatalf("LockTimeout after the owner was killed = %v, %v; want true, true", ok, died)
	}
	t.Logf("took over a lock from a killed owner in %v", took)
	cmd.Wait()
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestAliveRecycledPid(t *testing.T) {
	self := Self()
	if !Alive(self) {
		t.Error("this process is not alive")
	}
	cmd := exec.Command("/bin/sh", "-c", "sleep 10")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	pid := uint64(cmd.Process.Pid)
	tok, _, err := procStat(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if !Alive(uint64(tok)<<32 | pid) {
		t.Error("running child reported dead")
	}
	if Alive(uint64(tok+1)<<32 | pid) {
		t.Error("pid with another start time (a recycled pid) reported alive")
	}
}

func TestAliveLockRecycledPid(t *testing.T) {
	if !aliveLock(selfLock) {
		t.Error("this process's lock identity is not alive")
	}
	tok, _, err := procStat(selfPID)
	if err != nil {
		t.Fatal(err)
	}
	if aliveLock(lockID(selfPID, tok+1)) {
		t.Error("this pid with another start time (a dead owner whose pid we reuse) reported alive")
	}
	cmd := exec.Command("/bin/sh", "-c", "sleep 10")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	if tok, _, err = procStat(pid); err != nil {
		t.Fatal(err)
	}
	if !aliveLock(lockID(pid, tok)) {
		t.Error("running child reported dead")
	}
	if aliveLock(lockID(pid, tok+1)) {
		t.Error("pid with another start time (a recycled pid) reported alive")
	}
	cmd.Process.Kill()
	cmd.Wait()
	if aliveLock(lockID(pid, tok)) {
		t.Error("reaped child reported alive")
	}
}

func TestMutexUnlockedByOtherProcess(t *testing.T) {
	seg := newSegment(t, 64)
	m := seg.Mutex(0)
	m.Lock()
	if err := helper(t, "unlock", seg).Run(); err != nil {
		t.Fatalf("child's Unlock of the parent's mutex: %v", err)
	}
	if m.Owner() != 0 {
		t.Fatalf("Owner = %d after the child unlocked", m.Owner())
	}
	if err := m.Unlock(); err != ErrNotLocked {
		t.Errorf("second Unlock = %v, want ErrNotLocked", err)
	}
	if ok, died := m.LockTimeout(time.Second); !ok || died {
		t.Errorf("LockTimeout after the child unlocked = %v, %v", ok, died)
	}
	m.Unlock()
}

// TestMutexWakesSleeper checks that an Unlock wakes a waiter asleep in the
// kernel: the waiter sets the waiters word before sleeping, and the
// unlocking store's fast path sees it and clears it when it wakes.
func TestMutexWakesSleeper(t *testing.T) {
	seg := newSegment(t, 64)
	m := seg.Mutex(0)
	m.Lock()
	got := make(chan bool)
	go func() {
		ok, _ := m.LockTimeout(time.Minute)
		got <- ok
	}()
	for atomic.LoadUint32(&m.waiters) == 0 {
		time.Sleep(time.Millisecond)
	}
	if !m.UnlockFast() {
		t.Fatal("UnlockFast by the owner failed")
	}
	if !<-got {
		t.Fatal("waiter did not get the mutex")
	}
	// The waiter took the slow path: it marks that others may sleep.
	if atomic.LoadUint32(&m.waiters) != 1 {
		t.Error("waiters word not set again by the woken waiter")
	}
	if err := m.Unlock(); err != nil {
		t.Fatal(err)
	}
	if atomic.LoadUint32(&m.waiters) != 0 {
		t.Error("Unlock with the waiters word set did not clear it")
	}
}

func TestNoLeaks(t *testing.T) {
	before := countFDs(t)
	shmBefore := countDevShm(t)
	for range 100 {
		seg, err := New(1 << 16)
		if err != nil {
			t.Fatal(err)
		}
		seg.Bytes()[100] = 1
		seg.Close()
	}
	if after := countFDs(t); after != before {
		t.Errorf("open fds: %d before, %d after", before, after)
	}
	if after := countDevShm(t); after != shmBefore {
		t.Errorf("/dev/shm entries: %d before, %d after", shmBefore, after)
	}
}

func countFDs(t *testing.T) int {
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(es)
}

func countDevShm(t *testing.T) int {
	es, _ := os.ReadDir("/dev/shm")
	return len(es)
}

func BenchmarkMutexLockUnlock(b *testing.B) {
	var m Mutex
	for b.Loop() {
		m.Lock()
		m.Unlock()
	}
}

// BenchmarkFirstTouch4M measures what a child process pays to reach the
// pages of a 4 MB segment (a 1,000,000-element 'i' Array): it maps the
// segment's file afresh, as a child does, and writes one byte per page.
// us/page is the cost of one page's first touch through the new mapping;
// ns/page-again the cost of touching it once more. On bare metal a first
// touch costs a fraction of a microsecond; under a hypervisor that builds
// page tables lazily (shadow paging) it costs several.
func BenchmarkFirstTouch4M(b *testing.B) {
	const size, page = 4 << 20, 4096
	seg, err := New(size)
	if err != nil {
		b.Fatal(err)
	}
	defer seg.Close()
	for i := 0; i < size; i += page {
		seg.Bytes()[i] = 1 // allocate the pages, as the parent's Array does
	}
	var first, again time.Duration
	for b.Loop() {
		fd, err := syscall.Dup(int(seg.File().Fd()))
		if err != nil {
			b.Fatal(err)
		}
		s, err := Open(os.NewFile(uintptr(fd), "segment"))
		if err != nil {
			b.Fatal(err)
		}
		buf := s.Bytes()
		t0 := time.Now()
		for i := 0; i < size; i += page {
			buf[i]++
		}
		t1 := time.Now()
		for i := 0; i < size; i += page {
			buf[i]++
		}
		first += t1.Sub(t0)
		again += time.Since(t1)
		s.Close()
	}
	pages := float64(b.N) * size / page
	b.ReportMetric(float64(first.Nanoseconds())/pages/1000, "us/page")
	b.ReportMetric(float64(again.Nanoseconds())/pages, "ns/page-again")
}

func TestCleanupReleasesUnreachable(t *testing.T) {
	runtime.GC()
	before := countFDs(t)
	for range 50 {
		seg, err := New(1 << 16)
		if err != nil {
			t.Fatal(err)
		}
		seg.Bytes()[0] = 1
	}
	// Cleanups run in the background after a collection.
	after := 0
	for range 400 {
		runtime.GC()
		if after = countFDs(t); after <= before {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if after > before {
		t.Errorf("open fds: %d before, %d after the segments became unreachable", before, after)
	}
}

func TestPinKeepsMapping(t *testing.T) {
	seg, err := New(4096)
	if err != nil {
		t.Fatal(err)
	}
	seg.Pin()
	b := seg.Bytes()
	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
	b[10] = 5 // faults if unmapped
	if b[10] != 5 {
		t.Error("pinned memory lost a write")
	}
}

func TestDevShmFallback(t *testing.T) {
	if _, err := os.Stat("/dev/shm"); err != nil {
		t.Skip("no /dev/shm:", err)
	}
	defer func(f func(string, int) (int, error)) { memfdCreate = f }(memfdCreate)
	memfdCreate = func(string, int) (int, error) { return -1, syscall.ENOSYS }
	shmBefore := countDevShm(t)
	seg := newSegment(t, 4096)
	if n := countDevShm(t); n != shmBefore {
		t.Errorf("/dev/shm has %d entries after New, %d before: the file was not unlinked", n, shmBefore)
	}
	if err := helper(t, "write", seg, "via /dev/shm").Run(); err != nil {
		t.Fatal(err)
	}
	if got := string(seg.Bytes()[:12]); got != "via /dev/shm" {
		t.Errorf("parent reads %q", got)
	}
}

// newSegment returns a new segment of size bytes, closed when the test ends.
func newSegment(t testing.TB, size int) *Segment {
	t.Helper()
	seg, err := New(size)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Close() })
	return seg
}
