package kernel

import (
	"bufio"
	"encoding/binary"
	"net"
	"sync"
)

// ZMTP 3 frame flags (the first byte of a frame header).
const (
	zmtpMore    = 0x01
	zmtpLong    = 0x02
	zmtpCommand = 0x04
)

// frameConn batches the system calls zmq4 makes for one message. zmq4
// v0.17 reads a frame as two reads (header, then body) and its ROUTER
// socket writes a message as two writes a frame: a Jupyter reply of six
// frames cost twelve writes and the request before it about as many reads.
// frameConn reads through a buffer and holds the writes of a message's
// frames until its last frame is complete, then writes them at once.
// Writes that are not ZMTP frames (the greeting) go through as they are,
// after whatever is held: the bytes on the wire are always those written,
// in order.
//
// A frameConn of a socket with an [inputGauge] also follows the messages
// it hands to zmq4, for the gauge.
type frameConn struct {
	net.Conn
	r *bufio.Reader

	in       *inputGauge // nil: not followed
	rmu      sync.Mutex  // guards the fields below, and the reads from the connection
	fromOS   int64       // bytes read from the connection into r
	consumed int64       // bytes handed on from r
	rs       readState

	mu   sync.Mutex
	buf  []byte // held frames of the message being written
	body int    // bytes of the current frame's body still to come; -1: a header is next
	more bool   // the current frame has more frames after it
}

// readBufSize is the read buffer of a connection. Messages from a client
// are small, and a read bigger than the buffer bypasses it: more would be
// memory an idle kernel keeps for each of its connections.
const readBufSize = 8 << 10

func newFrameConn(c net.Conn) *frameConn {
	return &frameConn{Conn: c, r: bufio.NewReaderSize(c, readBufSize), body: -1}
}

// newGaugedFrameConn returns a frameConn that g follows.
func newGaugedFrameConn(c net.Conn, g *inputGauge) *frameConn {
	fc := &frameConn{Conn: c, body: -1, in: g, rs: newReadState()}
	fc.r = bufio.NewReaderSize(countingReader(fc), readBufSize)
	g.add(fc)
	return fc
}

func (c *frameConn) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.in != nil && n > 0 {
		c.rmu.Lock()
		c.consumed += int64(n)
		if done := c.rs.feed(p[:n]); done > 0 {
			c.in.read.Add(int64(done))
		}
		c.rmu.Unlock()
	}
	return n, err
}

// Close closes the connection.
func (c *frameConn) Close() error {
	if c.in != nil {
		c.in.remove(c)
	}
	return c.Conn.Close()
}

// drained reports whether c holds nothing unread: no bytes in the
// operating system's buffer or in r, and no message half read.
func (c *frameConn) drained() bool {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if c.rs.mid || c.fromOS != c.consumed {
		return false
	}
	return osUnread(c.Conn) == 0
}

func (c *frameConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.body < 0 {
		size, ok := frameHeader(p)
		if !ok {
			if len(p) == 0 {
				return 0, nil
			}
			if err := c.flush(); err != nil {
				return 0, err
			}
			return c.Conn.Write(p)
		}
		c.buf = append(c.buf, p...)
		c.body, c.more = size, p[0]&zmtpMore != 0 && p[0]&zmtpCommand == 0
	} else {
		if len(p) > c.body { // not the body announced: give up batching
			if err := c.flush(); err != nil {
				return 0, err
			}
			c.body = -1
			return c.Conn.Write(p)
		}
		c.buf = append(c.buf, p...)
		c.body -= len(p)
	}
	if c.body == 0 {
		c.body = -1
		if !c.more {
			if err := c.flush(); err != nil {
				return 0, err
			}
		}
	}
	return len(p), nil
}

// flush writes the held bytes.
func (c *frameConn) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.buf)
	if cap(c.buf) > 64<<10 {
		c.buf = nil // do not keep a large message's buffer
	} else {
		c.buf = c.buf[:0]
	}
	return err
}

// frameHeader reports whether p is exactly a ZMTP frame header, as zmq4
// writes one, and the size of the body it announces.
func frameHeader(p []byte) (size int, ok bool) {
	switch {
	case len(p) == 2 && p[0]&^(zmtpMore|zmtpCommand) == 0:
		return int(p[1]), true
	case len(p) == 9 && p[0]&zmtpLong != 0 && p[0]&^(zmtpMore|zmtpLong|zmtpCommand) == 0:
		n := binary.BigEndian.Uint64(p[1:])
		if n > 1<<40 {
			return 0, false
		}
		return int(n), true
	}
	return 0, false
}

// afterReader reads c's connection and counts the bytes in c.fromOS once
// read.
type afterReader struct{ c *frameConn }

func (r afterReader) Read(p []byte) (int, error) {
	n, err := r.c.Conn.Read(p)
	if n > 0 {
		r.c.rmu.Lock()
		r.c.fromOS += int64(n)
		r.c.rmu.Unlock()
	}
	return n, err
}
