package kernel

import (
	"errors"
	"net"
	"strings"
	"sync"
	"time"
)

// bindEndpoint listens on a ZeroMQ endpoint as zmq4 would:
// tcp://HOST:PORT or ipc://PATH.
func bindEndpoint(ep string) (net.Listener, error) {
	network, addr, ok := strings.Cut(ep, "://")
	if !ok {
		return nil, errors.New("bad endpoint " + ep)
	}
	switch network {
	case "tcp":
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if host == "*" {
			host = "0.0.0.0"
		}
		return net.Listen("tcp", net.JoinHostPort(host, port))
	case "ipc":
		return net.Listen("unix", addr)
	}
	return nil, errors.New("unknown transport in " + ep)
}

// greetingTimeout is how long a connection may take to begin its ZMTP
// greeting before it is closed.
const greetingTimeout = 10 * time.Second

// zmtpListener hands on only the connections whose peer has begun a ZMTP
// greeting, each as a [frameConn]. zmq4 performs each connection's
// handshake in its accept loop, one connection at a time: a connection
// that sends nothing (a port probe, a client that hung) held up every
// client after it, and one that closed before greeting was left open.
// Here each connection waits for its greeting on its own goroutine.
type zmtpListener struct {
	net.Listener
	in    *inputGauge // follows the connections, when not nil
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// newZMTPListener starts accepting on ln; in, if not nil, follows the
// connections.
func newZMTPListener(ln net.Listener, in *inputGauge) *zmtpListener {
	l := &zmtpListener{Listener: ln, in: in, conns: make(chan net.Conn), done: make(chan struct{})}
	go l.acceptLoop()
	return l
}

func (l *zmtpListener) acceptLoop() {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			select {
			case <-l.done:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(5 * time.Millisecond) // out of file descriptors, say
			continue
		}
		if l.in != nil {
			go l.greet(newGaugedFrameConn(c, l.in))
		} else {
			go l.greet(newFrameConn(c))
		}
	}
}

// greet waits for the ZMTP signature from c, then offers c to Accept.
func (l *zmtpListener) greet(c *frameConn) {
	c.SetReadDeadline(time.Now().Add(greetingTimeout))
	// The signature: 0xFF, 8 bytes of padding, 0x7F.
	sig, err := c.r.Peek(10)
	if err != nil || sig[0] != 0xff || sig[9] != 0x7f {
		c.Close()
		return
	}
	c.SetReadDeadline(time.Time{})
	select {
	case l.conns <- c:
	case <-l.done:
		c.Close()
	}
}

// Accept returns the next connection that has begun its greeting.
func (l *zmtpListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting.
func (l *zmtpListener) Close() error {
	err := net.ErrClosed
	l.once.Do(func() {
		close(l.done)
		err = l.Listener.Close()
	})
	return err
}
