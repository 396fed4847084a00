package earlybind

import "unsafe"

// madvPopulateRead is MADV_POPULATE_READ (Linux 5.14): map the pages of a
// range now, reading them in if needed, as read faults would one by one.
const madvPopulateRead = 22

// The second init of the package (after the one binding a kernel's
// sockets, which must listen as early as possible) maps the whole of the
// program's code and read-only data in one system call. Go's runtime and
// the inits of the ~150 packages the interpreter links touch code and type
// data all over a 20 MB binary, a page fault each time they reach a new
// 64 KB window, several hundred before main; on virtual machines a fault
// costs tens of microseconds. One madvise costs less: a worker started by
// a notebook cell reaches main about 3 ms sooner (BenchmarkStart in
// kernel/worker). The pages are the executable's, shared with every
// process running it through the page cache.
func init() {
	b, ok := readFile("/proc/self/maps", 1<<16)
	if !ok {
		return
	}
	for _, r := range codeRanges(b, funcPC(codeRanges)) {
		sysMadviseRange(r[0], r[1], madvPopulateRead)
	}
}

// funcPC returns the entry address of the function f.
func funcPC(f func([]byte, uintptr) [][2]uintptr) uintptr {
	return **(**uintptr)(unsafe.Pointer(&f))
}

// codeRanges returns the read-only mappings ("r-xp", "r--p") of the file
// mapped at address pc, from the text of a /proc/PID/maps: the program's
// code and read-only data when pc is one of its functions.
func codeRanges(maps []byte, pc uintptr) [][2]uintptr {
	type mapping struct {
		start, end uintptr
		perms      string
		path       string
	}
	var all []mapping
	exe := ""
	for len(maps) > 0 {
		line := maps
		if i := indexByte(maps, '\n'); i >= 0 {
			line, maps = maps[:i], maps[i+1:]
		} else {
			maps = nil
		}
		// START-END PERMS OFFSET DEV INODE PATH
		f := fields(line, 6)
		if len(f) < 6 {
			continue
		}
		start, end, ok := parseRange(f[0])
		if !ok {
			continue
		}
		m := mapping{start, end, string(f[1]), string(f[5])}
		all = append(all, m)
		if start <= pc && pc < end {
			exe = m.path
		}
	}
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
