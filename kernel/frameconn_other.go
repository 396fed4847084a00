//go:build !linux

package kernel

import (
	"io"
	"net"
)

// countingReader returns the reader of c's connection that counts in
// c.fromOS the bytes it reads.
func countingReader(c *frameConn) io.Reader { return afterReader{c} }

// osUnread returns 0: the bytes the operating system holds are not known
// here, and stop_on_error counts only those read.
func osUnread(net.Conn) int { return 0 }
