package earlybind

import "sync/atomic"

// bound holds the sockets init bound, by endpoint; Take empties it.
var bound atomic.Pointer[map[string]int]

func init() {
	args, ok := readFile("/proc/self/cmdline", 1<<16)
	if !ok {
		return
	}
	if name, ok := kernelCommand(args); ok {
		if fds := bindFile(name); fds != nil {
			bound.Store(&fds)
		}
	}
}

// kernelCommand returns the connection file of a command line (a
// /proc/PID/cmdline: arguments ending in NUL) of the form
// `PROGRAM kernel [--debug] CONNECTION_FILE`.
func kernelCommand(cmdline []byte) (string, bool) {
	var args []string
	start := 0
	for i, c := range cmdline {
		if c == 0 {
			args = append(args, string(cmdline[start:i]))
			start = i + 1
		}
	}
	if len(args) == 4 && args[2] == "--debug" {
		args = append(args[:2], args[3])
	}
	if start != len(cmdline) || len(args) != 3 || args[1] != "kernel" || args[2] == "" || args[2][0] == '-' {
		return "", false
	}
	return args[2], true
}

// Take returns the sockets bound during initialisation, as listening file
// descriptors (close-on-exec, non-blocking) keyed by their ZeroMQ
// endpoint, written as kernel.ConnectionInfo.Addr writes it
// ("tcp://127.0.0.1:5555", "ipc://PATH-5555"). The caller owns them: a
// second call returns none. It returns nil when nothing was bound.
func Take() map[string]int {
	if fds := bound.Swap(nil); fds != nil {
		return *fds
	}
	return nil
}

// bindFile binds the sockets of the connection file name; it returns nil
// if it cannot read or parse the file or bind every socket.
func bindFile(name string) map[string]int {
	b, ok := readFile(name, 1<<16)
	if !ok {
		return nil
	}
	c, ok := parse(b)
	if !ok {
		return nil
	}
	return bindConn(c)
}

// bindConn binds all five sockets of c, or none.
func bindConn(c conn) map[string]int {
	ip, isIPv4 := parseIPv4(c.ip)
	if c.transport == "tcp" && !isIPv4 {
		return nil // IPv6 and host names: the kernel binds them itself
	}
	fds := make(map[string]int, len(c.ports))
	for _, port := range c.ports {
		var ep string
		var fd int
		var err error
		if c.transport == "tcp" {
			ep = "tcp://" + c.ip + ":" + itoa(port)
			fd, err = listenTCP(ip, port)
		} else {
			path := c.ip + "-" + itoa(port)
			ep = "ipc://" + path
			fd, err = listenUnix(path)
		}
		if _, dup := fds[ep]; dup && err == nil {
			sysClose(fd)
			err = errnoError(98) // EADDRINUSE
		}
		if err != nil {
			release(c, fds)
			return nil
		}
		fds[ep] = fd
	}
	return fds
}

// release closes fds, removing the files of Unix sockets.
func release(c conn, fds map[string]int) {
	for ep, fd := range fds {
		sysClose(fd)
		if c.transport == "ipc" {
			sysUnlink(ep[len("ipc://"):])
		}
	}
}

// listenTCP returns a socket listening on ip:port, set up as package net
// sets up a listener (SO_REUSEADDR, close-on-exec, non-blocking).
func listenTCP(ip [4]byte, port int) (int, error) {
	fd, err := sysSocket(afInet)
	if err != nil {
		return -1, err
	}
	if err := sysReuseAddr(fd); err != nil {
		sysClose(fd)
		return -1, err
	}
	if err := sysBindInet4(fd, ip, port); err != nil {
		sysClose(fd)
		return -1, err
	}
	if err := sysListen(fd, backlog); err != nil {
		sysClose(fd)
		return -1, err
	}
	return fd, nil
}

// listenUnix returns a socket listening on the Unix socket path.
func listenUnix(path string) (int, error) {
	fd, err := sysSocket(afUnix)
	if err != nil {
		return -1, err
	}
	if err := sysBindUnix(fd, path); err != nil {
		sysClose(fd)
		return -1, err
	}
	if err := sysListen(fd, backlog); err != nil {
		sysClose(fd)
		sysUnlink(path)
		return -1, err
	}
	return fd, nil
}

// errnoError is a failed system call.
type errnoError uintptr

func (e errnoError) Error() string { return "earlybind: errno " + itoa(int(e)) }

// backlog asks for the longest listen queue; Linux caps it at
// net.core.somaxconn, as for package net's listeners.
const backlog = 1<<16 - 1

// readFile returns the content of a file of at most max bytes.
func readFile(name string, max int) ([]byte, bool) {
	fd, err := sysOpen(name)
	if err != nil {
		return nil, false
	}
	defer sysClose(fd)
	b := make([]byte, 0, 4096)
	for {
		if len(b) == cap(b) {
			if cap(b) >= max {
				return nil, false
			}
			b = append(b, 0)[:len(b)]
		}
		n, err := sysRead(fd, b[len(b):cap(b)])
		if err != nil {
			return nil, false
		}
		if n == 0 {
			return b, true
		}
		b = b[:len(b)+n]
	}
}
