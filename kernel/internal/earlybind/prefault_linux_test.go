package earlybind

import (
	"os"
	"reflect"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

const testMaps = `00400000-00e0e000 r-xp 00000000 fd:01 123 /opt/my tools/gopherlab
00e0e000-0183e000 r--p 00a0e000 fd:01 123 /opt/my tools/gopherlab
0183e000-018d7000 rw-p 0143e000 fd:01 123 /opt/my tools/gopherlab
018d7000-03923000 rw-p 00000000 00:00 0
c000000000-c000400000 rw-p 00000000 00:00 0 
7f0000000000-7f0000021000 r-xp 00000000 fd:01 77 /usr/lib/libother.so
7ffd1000-7ffd3000 r-xp 00000000 00:00 0                          [vdso]
`

func TestCodeRanges(t *testing.T) {
	all := parseMaps([]byte(testMaps))
	if len(all) != 7 {
		t.Fatalf("parseMaps found %d mappings, want 7: %+v", len(all), all)
	}
	want := [][2]uintptr{{0x400000, 0xe0e000}, {0xe0e000, 0x183e000}}
	if got := codeRanges(all, 0x401000); !reflect.DeepEqual(got, want) {
		t.Errorf("codeRanges = %x, want %x", got, want)
	}
	if got := codeRanges(all, 0x7f0000000100); !reflect.DeepEqual(got, [][2]uintptr{{0x7f0000000000, 0x7f0000021000}}) {
		t.Errorf("codeRanges of the library = %x", got)
	}
	for _, pc := range []uintptr{0x7ffd1000, 0x10, 0xc000000010} {
		if got := codeRanges(all, pc); got != nil {
			t.Errorf("codeRanges at %#x (no file) = %x, want none", pc, got)
		}
	}
	if got := parseMaps([]byte("garbage\n-\nzz-yy r-xp 0 0 0 /x\n")); got != nil {
		t.Errorf("parseMaps of garbage = %+v", got)
	}
}

func TestHeapRange(t *testing.T) {
	all := parseMaps([]byte(testMaps))
	for _, tc := range []struct {
		p, start, end uintptr
	}{
		{0x18e2345, 0x18e0000, 0x18e0000 + heapAhead}, // well inside
		{0xc000012345, 0xc000010000, 0xc000400000},    // cut at the mapping's end
		{0x401000, 0, 0}, // code, not heap
		{0x10, 0, 0},     // nothing there
	} {
		if start, end := heapRange(all, tc.p); start != tc.start || end != tc.end {
			t.Errorf("heapRange(%#x) = %#x-%#x, want %#x-%#x", tc.p, start, end, tc.start, tc.end)
		}
	}
}

// TestHeapMapped checks that init mapped the heap ahead of its first
// allocation, up to 4 MB or the end of the heap's mapping: every page of
// it is resident, where this test binary's own use of the heap does not
// reach that far.
func TestHeapMapped(t *testing.T) {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skip(err)
	}
	start, end := heapRange(parseMaps(b), uintptr(unsafe.Pointer(heapProbe)))
	if end-start < 1<<20 {
		t.Skipf("the heap's mapping ends %d KB after the first allocation: too close to tell", (end-start)>>10)
	}
	page := uintptr(os.Getpagesize())
	vec := make([]byte, (end-start)/page)
	for deadline := time.Now().Add(time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, _, e := syscall.Syscall(syscall.SYS_MINCORE, start, end-start, uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
			t.Skip("mincore:", e)
		}
		missing := 0
		for _, v := range vec {
			if v&1 == 0 {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of the %d heap pages init should have mapped are not resident", missing, len(vec))
		}
	}
}
