package earlybind

import "unsafe"

// MADV_POPULATE_READ and MADV_POPULATE_WRITE (Linux 5.14): map the pages
// of a range now, as read or write faults would one by one. Older kernels
// refuse them, and nothing happens.
const (
	madvPopulateRead  = 22
	madvPopulateWrite = 23
)

// heapAhead is how much of the heap above this package's first allocation
// init maps for writing: more than the package inits of a worker (~200
// pages, spread over the spans of the allocation size classes) and the
// interpreter rebuilding its notebook touch. Measured: 1.5 MB is 1 ms
// slower to main than 2, 4 or 8 MB (builds alternated, 120 starts each).
// Mapping the binary's initialised variables for writing as well was
// slower: it copies every page, where a worker writes to a fifth of them.
const heapAhead = 4 << 20

// heapProbe is the allocation that locates the heap.
var heapProbe *[16]byte

// The second init of the package (after the one binding a kernel's
// sockets, which must listen as early as possible) maps, in three system
// calls on another thread, memory the rest of the program's start would
// otherwise fault in page by page. Go's runtime and the inits of the ~150
// packages the interpreter links touch code and type data all over the
// binary's 20 MB of them, a page fault each time they reach a new 64 KB
// window, and a few hundred fresh pages of heap: several hundred faults
// before main, at 10-19 microseconds each on this virtual machine. Mapping
// the code and read-only data (shared with every process running the
// binary, through the page cache) and up to 4 MB of heap costs a fraction
// of that: a worker started by a notebook cell reaches main 5-6 ms sooner
// (BenchmarkStart in kernel/worker). The calls are raw system calls: the
// goroutine making them keeps its P for their 2-3 ms, while the inits run
// on the other ones (with GOMAXPROCS=1 they run after, as if inline).
func init() {
	heapProbe = new([16]byte)
	b, ok := readFile("/proc/self/maps", 1<<16)
	if !ok {
		return
	}
	all := parseMaps(b)
	heapStart, heapEnd := heapRange(all, uintptr(unsafe.Pointer(heapProbe)))
	// On another thread: the inits go on meanwhile, and find most of
	// what they touch mapped (about 1 ms sooner to main than mapping
	// first and then going on; the calls take 2-3 ms here).
	go prefault(codeRanges(all, funcPC(codeRanges)), heapStart, heapEnd)
}

// prefault maps the code ranges, then the heap range for writing. Code
// first: every init runs code not run before, and allocates less often
// (1.3 ms sooner to main than heap first, builds alternated).
func prefault(ranges [][2]uintptr, heapStart, heapEnd uintptr) {
	for _, r := range ranges {
		sysMadviseRange(r[0], r[1], madvPopulateRead)
	}
	if heapStart < heapEnd {
		sysMadviseRange(heapStart, heapEnd, madvPopulateWrite)
	}
}

// funcPC returns the entry address of the function f.
func funcPC(f func([]mapping, uintptr) [][2]uintptr) uintptr {
	return **(**uintptr)(unsafe.Pointer(&f))
}

// A mapping is a line of /proc/PID/maps.
type mapping struct {
	start, end uintptr
	perms      string // "r-xp"
	path       string // "" for anonymous memory
}

// parseMaps parses the text of a /proc/PID/maps, skipping lines it does
// not understand.
func parseMaps(maps []byte) []mapping {
	var all []mapping
	for len(maps) > 0 {
		line := maps
		if i := indexByte(maps, '\n'); i >= 0 {
			line, maps = maps[:i], maps[i+1:]
		} else {
			maps = nil
		}
		// START-END PERMS OFFSET DEV INODE [PATH]
		f := fields(line, 6)
		if len(f) < 5 {
			continue
		}
		start, end, ok := parseRange(f[0])
		if !ok {
			continue
		}
		m := mapping{start: start, end: end, perms: string(f[1])}
		if len(f) == 6 {
			m.path = string(f[5])
		}
		all = append(all, m)
	}
	return all
}

// codeRanges returns the read-only mappings ("r-xp", "r--p") of the file
// mapped at address pc: the program's code and read-only data when pc is
// one of its functions.
func codeRanges(all []mapping, pc uintptr) [][2]uintptr {
	exe := mappingAt(all, pc).path
	if exe == "" || exe[0] != '/' {
		return nil
	}
	var out [][2]uintptr
	for _, m := range all {
		if m.path == exe && (m.perms == "r-xp" || m.perms == "r--p") {
			out = append(out, [2]uintptr{m.start, m.end})
		}
	}
	return out
}

// heapRange returns the range to map for writing from the heap address
// p: heapAhead bytes from the 64 KB boundary below p, cut at the end of
// p's mapping (the runtime maps its heap 4 MB at a time, from a random
// place) if it is anonymous and writable, else nothing.
func heapRange(all []mapping, p uintptr) (start, end uintptr) {
	m := mappingAt(all, p)
	if m.path != "" || m.perms != "rw-p" {
		return 0, 0
	}
	start, end = p&^(64<<10-1), p&^(64<<10-1)+heapAhead
	return max(start, m.start), min(end, m.end)
}

// mappingAt returns the mapping holding address p, or a zero mapping.
func mappingAt(all []mapping, p uintptr) mapping {
	for _, m := range all {
		if m.start <= p && p < m.end {
			return m
		}
	}
	return mapping{}
}

// fields splits line at runs of spaces into at most n fields, the last
// one holding the rest of the line (a path may contain spaces).
func fields(line []byte, n int) [][]byte {
	var f [][]byte
	for len(line) > 0 && len(f) < n-1 {
		for len(line) > 0 && line[0] == ' ' {
			line = line[1:]
		}
		i := indexByte(line, ' ')
		if i < 0 {
			i = len(line)
		}
		if i > 0 {
			f = append(f, line[:i])
		}
		line = line[i:]
	}
	for len(line) > 0 && line[0] == ' ' {
		line = line[1:]
	}
	if len(line) > 0 {
		f = append(f, line)
	}
	return f
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// parseRange parses "START-END" in hexadecimal.
func parseRange(b []byte) (start, end uintptr, ok bool) {
	i := indexByte(b, '-')
	if i <= 0 {
		return 0, 0, false
	}
	start, ok1 := parseHex(b[:i])
	end, ok2 := parseHex(b[i+1:])
	return start, end, ok1 && ok2 && start < end
}

func parseHex(b []byte) (uintptr, bool) {
	if len(b) == 0 || len(b) > 2*int(unsafe.Sizeof(uintptr(0))) {
		return 0, false
	}
	var v uintptr
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | uintptr(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | uintptr(c-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
