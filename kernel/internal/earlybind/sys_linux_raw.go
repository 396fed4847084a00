//go:build linux && (amd64 || arm64)

package earlybind

import "unsafe"

// The system calls are made directly, without package syscall, so that
// this package depends on no package with an init function and Go
// initialises it among the very first ones. They are short and do not
// block (the sockets are non-blocking, the files are small), so they need
// not tell the scheduler.

// rawSyscall6 makes system call num; errno is 0 on success.
func rawSyscall6(num, a1, a2, a3, a4, a5, a6 uintptr) (r1, errno uintptr)

// Linux constants, the same on amd64 and arm64.
const (
	afUnix       = 1
	afInet       = 2
	sockStream   = 1
	sockNonblock = 0x800
	sockCloexec  = 0x80000
	oRdonly      = 0
	oCloexec     = 0x80000
	solSocket    = 1
	soReuseaddr  = 2
	ipprotoTCP   = 6
	eintr        = 4
)

// atFDCWD returns AT_FDCWD (-100) as a system call argument.
func atFDCWD() uintptr {
	fd := -100
	return uintptr(fd)
}

func errOf(errno uintptr) error {
	if errno != 0 {
		return errnoError(errno)
	}
	return nil
}

// cstring returns s as a NUL-terminated byte slice, or false if s holds a
// NUL.
func cstring(s string) ([]byte, bool) {
	b := make([]byte, len(s)+1)
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return nil, false
		}
		b[i] = s[i]
	}
	return b, true
}

func sysOpen(name string) (int, error) {
	p, ok := cstring(name)
	if !ok {
		return -1, errnoError(22)
	}
	fd, errno := rawSyscall6(sysOpenat, atFDCWD(), uintptr(unsafe.Pointer(&p[0])), oRdonly|oCloexec, 0, 0, 0)
	return int(fd), errOf(errno)
}

func sysRead(fd int, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for {
		n, errno := rawSyscall6(sysReadNum, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0, 0, 0)
		if errno == eintr {
			continue
		}
		return int(n), errOf(errno)
	}
}

func sysMadviseRange(start, end uintptr, advice int) {
	rawSyscall6(sysMadvise, start, end-start, uintptr(advice), 0, 0, 0)
}

func sysClose(fd int) { rawSyscall6(sysCloseNum, uintptr(fd), 0, 0, 0, 0, 0) }

func sysUnlink(path string) {
	if p, ok := cstring(path); ok {
		rawSyscall6(sysUnlinkat, atFDCWD(), uintptr(unsafe.Pointer(&p[0])), 0, 0, 0, 0)
	}
}

func sysSocket(family int) (int, error) {
	proto := 0
	if family == afInet {
		proto = ipprotoTCP
	}
	fd, errno := rawSyscall6(sysSocketNum, uintptr(family), sockStream|sockNonblock|sockCloexec, uintptr(proto), 0, 0, 0)
	return int(fd), errOf(errno)
}

func sysReuseAddr(fd int) error {
	one := int32(1)
	_, errno := rawSyscall6(sysSetsockopt, uintptr(fd), solSocket, soReuseaddr, uintptr(unsafe.Pointer(&one)), 4, 0)
	return errOf(errno)
}

// sockaddrInet4 is struct sockaddr_in.
type sockaddrInet4 struct {
	family uint16
	port   [2]byte // big-endian
	addr   [4]byte
	zero   [8]byte
}

func sysBindInet4(fd int, ip [4]byte, port int) error {
	sa := sockaddrInet4{family: afInet, port: [2]byte{byte(port >> 8), byte(port)}, addr: ip}
	_, errno := rawSyscall6(sysBind, uintptr(fd), uintptr(unsafe.Pointer(&sa)), unsafe.Sizeof(sa), 0, 0, 0)
	return errOf(errno)
}

// sockaddrUnix is struct sockaddr_un.
type sockaddrUnix struct {
	family uint16
	path   [108]byte
}

func sysBindUnix(fd int, path string) error {
	sa := sockaddrUnix{family: afUnix}
	if len(path) == 0 || len(path) >= len(sa.path) {
		return errnoError(22) // EINVAL, as package syscall
	}
	for i := 0; i < len(path); i++ {
		if path[i] == 0 {
			return errnoError(22)
		}
		sa.path[i] = path[i]
	}
	_, errno := rawSyscall6(sysBind, uintptr(fd), uintptr(unsafe.Pointer(&sa)), 2+uintptr(len(path))+1, 0, 0, 0)
	return errOf(errno)
}

func sysListen(fd, backlog int) error {
	_, errno := rawSyscall6(sysListenNum, uintptr(fd), uintptr(backlog), 0, 0, 0, 0)
	return errOf(errno)
}
