package mp

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// A Conn is one end of a two-way connection between processes, made by
// [NewPipe] like Python's multiprocessing.Pipe. What one end sends, the
// other receives, in order, one value per Recv. Pass a *Conn to a child as
// an argument of [NewProcess]: the child then holds the same end. The zero
// value is not usable. Its methods are safe for concurrent use; each value
// goes to exactly one receiver.
//
// Values are copied as for [Queue]. Recv returns io.EOF once every copy of
// the other end, in every process, is closed and nothing is left to read.
type Conn struct {
	c *conn
}

// NewPipe returns the two ends of a new connection. It panics if the system
// has no file descriptors left.
func NewPipe() (*Conn, *Conn) {
	a, b, err := newConnPair()
	if err != nil {
		panic(fmt.Errorf("mp: NewPipe: %w", err))
	}
	return &Conn{a}, &Conn{b}
}

func (c *Conn) valid() error {
	if c == nil || c.c == nil {
		return errors.New("mp: use of a Conn not made by mp.NewPipe")
	}
	return nil
}

// Send sends a copy of v to the other end. It waits only when the other
// end has a lot of unread data.
func (c *Conn) Send(v any) error {
	if err := c.valid(); err != nil {
		return err
	}
	data, err := encodeItem(v)
	if err != nil {
		return err
	}
	return c.c.send(data, nil, time.Time{})
}

// Recv waits for the next value from the other end and returns it, with
// the type it was sent with, as [Queue.Get] does.
func (c *Conn) Recv() (any, error) {
	data, err := c.recv()
	if err != nil {
		return nil, err
	}
	return decodeItem(data)
}

// RecvInto waits for the next value and stores it in the variable ptr
// points to, as [Queue.GetInto] does.
func (c *Conn) RecvInto(ptr any) error {
	data, err := c.recv()
	if err != nil {
		return err
	}
	return decodeItemInto(data, ptr)
}

func (c *Conn) recv() ([]byte, error) {
	if err := c.valid(); err != nil {
		return nil, err
	}
	data, files, err := c.c.recv(time.Time{})
	closeFiles(files)
	return data, err
}

// Poll reports whether a value (or the end of the connection) is ready to
// be received, waiting at most d. A negative d waits as long as needed.
func (c *Conn) Poll(d time.Duration) bool {
	if c.valid() != nil || c.c.acquire() != nil {
		return false
	}
	defer c.c.mu.RUnlock()
	return c.c.wait(unix.POLLIN, deadlineAfter(d)) == nil
}

// Close closes this process's copy of the end. Goroutines waiting in Recv
// return [ErrClosed]. Closing twice is a no-op.
func (c *Conn) Close() error {
	if c.valid() != nil {
		return nil
	}
	return c.c.close()
}

const kindConn = "mp.Conn"

func init() { registerKind(kindConn, openConn) }

func (c *Conn) share() (string, []*os.File, []byte, error) {
	if err := c.valid(); err != nil {
		return "", nil, nil, err
	}
	if c.c.closing.Load() {
		return "", nil, nil, ErrClosed
	}
	return kindConn, []*os.File{c.c.file()}, nil, nil
}

func openConn(files []*os.File, meta []byte) (any, error) {
	if len(files) != 1 {
		closeFiles(files)
		return nil, errors.New("mp: open shared Conn: bad description")
	}
	return &Conn{newConn(files[0])}, nil
}
