//go:build linux && !amd64 && !arm64

package earlybind

import "syscall"

// Elsewhere on Linux the system calls go through package syscall, and
// this package is initialised after it.

const (
	afUnix = syscall.AF_UNIX
	afInet = syscall.AF_INET
)

func sysOpen(name string) (int, error) {
	return syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
}

func sysRead(fd int, b []byte) (int, error) {
	for {
		n, err := syscall.Read(fd, b)
		if err != syscall.EINTR {
			return n, err
		}
	}
}

func sysClose(fd int) { syscall.Close(fd) }

func sysMadviseRange(start, end uintptr, advice int) {
	syscall.Syscall(syscall.SYS_MADVISE, start, end-start, uintptr(advice))
}

func sysUnlink(path string) { syscall.Unlink(path) }

func sysSocket(family int) (int, error) {
	proto := 0
	if family == afInet {
		proto = syscall.IPPROTO_TCP
	}
	return syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, proto)
}

func sysReuseAddr(fd int) error {
	return syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
}

func sysBindInet4(fd int, ip [4]byte, port int) error {
	return syscall.Bind(fd, &syscall.SockaddrInet4{Port: port, Addr: ip})
}

func sysBindUnix(fd int, path string) error {
	return syscall.Bind(fd, &syscall.SockaddrUnix{Name: path})
}

func sysListen(fd, backlog int) error { return syscall.Listen(fd, backlog) }
