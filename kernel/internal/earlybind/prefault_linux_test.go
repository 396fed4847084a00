package earlybind

import (
	"reflect"
	"testing"
)

func TestCodeRanges(t *testing.T) {
	maps := `00400000-00e0e000 r-xp 00000000 fd:01 123 /opt/my tools/gopherlab
00e0e000-0183e000 r--p 00a0e000 fd:01 123 /opt/my tools/gopherlab
0183e000-018d7000 rw-p 0143e000 fd:01 123 /opt/my tools/gopherlab
018d7000-03923000 rw-p 00000000 00:00 0
c000000000-c004000000 rw-p 00000000 00:00 0 
7f0000000000-7f0000021000 r-xp 00000000 fd:01 77 /usr/lib/libother.so
7ffd1000-7ffd3000 r-xp 00000000 00:00 0                          [vdso]
`
	want := [][2]uintptr{{0x400000, 0xe0e000}, {0xe0e000, 0x183e000}}
	if got := codeRanges([]byte(maps), 0x401000); !reflect.DeepEqual(got, want) {
		t.Errorf("codeRanges = %x, want %x", got, want)
	}
	if got := codeRanges([]byte(maps), 0x7f0000000100); !reflect.DeepEqual(got, [][2]uintptr{{0x7f0000000000, 0x7f0000021000}}) {
		t.Errorf("codeRanges of the library = %x", got)
	}
	for _, pc := range []uintptr{0x7ffd1000, 0x10, 0xc000000010} {
		if got := codeRanges([]byte(maps), pc); got != nil {
			t.Errorf("codeRanges at %#x (no file) = %x, want none", pc, got)
		}
	}
	if got := codeRanges([]byte("garbage\n-\nzz-yy r-xp 0 0 0 /x\n"), 0x401000); got != nil {
		t.Errorf("codeRanges of garbage = %x", got)
	}
}
