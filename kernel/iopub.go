package kernel

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/security/null"
)

// pubSocket is the kernel's IOPub socket: a ZeroMQ PUB socket that the
// server implements itself instead of taking zmq4's, for two guarantees
// zmq4's does not give.
//
// A message has left for every subscriber when send returns. zmq4's PUB
// socket queues messages and writes them from a goroutine of its own, so a
// status message published before a reply was often on the wire after it,
// and the idle after a reply milliseconds later. A Jupyter server that
// sees the kernel_info_reply while the kernel still looks busy skips the
// "nudge" with which it makes sure a new websocket's IOPub subscription
// works (jupyter-server 1.23, Notebook 6.4).
//
// A subscriber that has connected is not missed. A SUB socket's
// subscription reaches the kernel a handshake after its connection; until
// then a PUB socket drops what it publishes. A JupyterLab opening a
// notebook connects the websocket's IOPub and shell sockets at once and
// sends kernel_info_request at once: when the kernel answered before the
// subscription came in, the status messages of the request were dropped,
// and JupyterLab, which waits for the idle status as well as the reply,
// showed the kernel "connecting" for ever (4 starts in 100 through
// @jupyterlab/services and jupyter-server 1.23; kernel/testdata/lab/starts.mjs).
// [pubSocket.waitSubscribers] waits, before a request is served, until every
// connection that has reached the socket, the ones still in the listen
// backlog included, has subscribed (or has had joinTimeout to do so).
type pubSocket struct {
	ln  net.Listener
	id  zmq4.SocketIdentity
	log func(format string, args ...any) // debug log

	sendMu sync.Mutex // held while a message is written: messages leave in order

	mu      sync.Mutex
	subs    map[*subscriber]bool
	joining map[*subscriber]time.Time // connected, not subscribed yet: how long to wait for it
	changed chan struct{}             // closed and replaced when joining shrinks
	closed  bool

	stop func()         // ends the accept loop
	wg   sync.WaitGroup // the accept loop and the connections' readers
}

// subscriber is one connection to the socket.
type subscriber struct {
	nc     net.Conn
	r      *bufio.Reader
	ready  bool     // handshake done; guarded by pubSocket.mu
	topics []string // guarded by pubSocket.mu
}

const (
	// joinTimeout is how long a request waits at most for a connection to
	// IOPub to subscribe.
	joinTimeout = 2 * time.Second
	// handshakeTimeout is how long a connection may take to complete its
	// ZMTP handshake before it is closed.
	handshakeTimeout = 10 * time.Second
	// pubWriteTimeout is how long a message may take to leave for one
	// subscriber (one that does not read: a suspended process) before the
	// subscriber is dropped, as a ZeroMQ PUB socket drops what a subscriber
	// cannot take.
	pubWriteTimeout = 10 * time.Second
)

// newPubSocket serves PUB on ln.
func newPubSocket(ln net.Listener, logf func(string, ...any)) *pubSocket {
	p := &pubSocket{
		ln: ln, id: zmq4.SocketIdentity(fmt.Sprintf("gopherlab-iopub-%p", ln)), log: logf,
		subs: map[*subscriber]bool{}, joining: map[*subscriber]time.Time{}, changed: make(chan struct{}),
	}
	p.stop = p.startAccepting()
	return p
}

// register takes a new connection: it joins and its handshake starts.
// p.mu is held.
func (p *pubSocket) register(nc net.Conn) {
	if p.closed {
		nc.Close()
		return
	}
	s := &subscriber{nc: nc, r: bufio.NewReaderSize(nc, 4096)}
	p.subs[s] = true
	p.joining[s] = time.Now().Add(joinTimeout)
	p.wg.Add(1)
	go p.serve(s)
}

// serve performs the handshake of s and reads its subscriptions until it
// goes away.
func (p *pubSocket) serve(s *subscriber) {
	defer p.wg.Done()
	defer p.drop(s)
	s.nc.SetDeadline(time.Now().Add(handshakeTimeout))
	if _, err := zmq4.Open(readerConn{s.r, s.nc}, null.Security(), zmq4.Pub, p.id, true, nil); err != nil {
		p.log("iopub: handshake with %v: %v", s.nc.RemoteAddr(), err)
		return
	}
	s.nc.SetDeadline(time.Time{})
	p.mu.Lock()
	s.ready = true
	p.mu.Unlock()
	for {
		flags, body, err := readFrame(s.r)
		if err != nil {
			if !errors.Is(err, io.EOF) && !p.isClosed() {
				p.log("iopub: %v: %v", s.nc.RemoteAddr(), err)
			}
			return
		}
		topic, on, ok := subscription(flags, body)
		if !ok {
			continue // a SUB socket sends nothing else; PUB ignores it
		}
		p.mu.Lock()
		if on {
			s.topics = append(s.topics, topic)
		} else if i := indexString(s.topics, topic); i >= 0 {
			s.topics = append(s.topics[:i], s.topics[i+1:]...)
		}
		p.joined(s)
		p.mu.Unlock()
	}
}

// joined ends the wait for s. p.mu is held.
func (p *pubSocket) joined(s *subscriber) {
	if _, ok := p.joining[s]; ok {
		delete(p.joining, s)
		close(p.changed)
		p.changed = make(chan struct{})
	}
}

// drop closes s and forgets it.
func (p *pubSocket) drop(s *subscriber) {
	s.nc.Close()
	p.mu.Lock()
	delete(p.subs, s)
	p.joined(s)
	p.mu.Unlock()
}

func (p *pubSocket) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// waitSubscribers returns once every connection that has reached the
// socket, including those still waiting in the listen backlog, has
// subscribed, gone away or had joinTimeout to subscribe; and after
// joinTimeout at most.
func (p *pubSocket) waitSubscribers() {
	start := time.Now()
	defer func() {
		if d := time.Since(start); d > 20*time.Millisecond {
			p.log("iopub: waited %v for subscribers", d)
		}
	}()
	end := time.Now().Add(joinTimeout)
	for {
		p.acceptBacklog()
		p.mu.Lock()
		now := time.Now()
		until := time.Time{}
		for s, t := range p.joining {
			if !t.After(now) {
				delete(p.joining, s) // its time is up: stop waiting for it
				continue
			}
			if until.IsZero() || t.Before(until) {
				until = t
			}
		}
		ch := p.changed
		p.mu.Unlock()
		if until.IsZero() || !now.Before(end) {
			return
		}
		if until.After(end) {
			until = end
		}
		t := time.NewTimer(until.Sub(now))
		select {
		case <-ch:
		case <-t.C:
		}
		t.Stop()
	}
}

// send writes a message of frames (the first is the topic) to every
// subscriber whose subscription it matches, dropping a subscriber that
// fails to take it.
func (p *pubSocket) send(frames [][]byte) {
	if len(frames) == 0 {
		return
	}
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	p.mu.Lock()
	var to []*subscriber
	for s := range p.subs {
		if s.ready && matches(s.topics, frames[0]) {
			to = append(to, s)
		}
	}
	p.mu.Unlock()
	for _, s := range to {
		bufs := encodeFrames(frames)
		s.nc.SetWriteDeadline(time.Now().Add(pubWriteTimeout))
		if _, err := bufs.WriteTo(s.nc); err != nil {
			p.log("iopub: send to %v: %v", s.nc.RemoteAddr(), err)
			p.drop(s)
		}
	}
}

// Close stops accepting and closes every connection.
func (p *pubSocket) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	for s := range p.subs {
		s.nc.Close()
	}
	p.mu.Unlock()
	p.stop()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

// matches reports whether topic starts with one of the subscriptions.
func matches(subs []string, topic []byte) bool {
	for _, s := range subs {
		if strings.HasPrefix(string(topic), s) {
			return true
		}
	}
	return false
}

func indexString(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// readerConn is a connection whose reads go through a buffer.
type readerConn struct {
	r *bufio.Reader
	net.Conn
}

func (c readerConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// maxSubscriptionFrame bounds the frames a subscriber may send: topics are
// short.
const maxSubscriptionFrame = 64 << 10

// readFrame reads one ZMTP 3 frame.
func readFrame(r *bufio.Reader) (flags byte, body []byte, err error) {
	var hdr [9]byte
	if _, err := io.ReadFull(r, hdr[:2]); err != nil {
		return 0, nil, err
	}
	flags = hdr[0]
	size := uint64(hdr[1])
	if flags&zmtpLong != 0 {
		if _, err := io.ReadFull(r, hdr[2:9]); err != nil {
			return 0, nil, err
		}
		size = binary.BigEndian.Uint64(hdr[1:9])
	}
	if size > maxSubscriptionFrame {
		return 0, nil, fmt.Errorf("frame of %d bytes", size)
	}
	body = make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, nil, err
	}
	return flags, body, nil
}

// subscription decodes a subscription frame: a message of one frame
// holding 1 (subscribe) or 0 (cancel) and the topic (ZMTP 3.0), or a
// SUBSCRIBE or CANCEL command (ZMTP 3.1).
func subscription(flags byte, body []byte) (topic string, on, ok bool) {
	if flags&zmtpMore != 0 || len(body) == 0 {
		return "", false, false
	}
	if flags&zmtpCommand == 0 {
		if body[0] > 1 {
			return "", false, false
		}
		return string(body[1:]), body[0] == 1, true
	}
	n := int(body[0])
	if 1+n > len(body) {
		return "", false, false
	}
	switch string(body[1 : 1+n]) {
	case "SUBSCRIBE":
		return string(body[1+n:]), true, true
	case "CANCEL":
		return string(body[1+n:]), false, true
	}
	return "", false, false
}

// encodeFrames returns the ZMTP 3 encoding of a message of frames.
func encodeFrames(frames [][]byte) net.Buffers {
	bufs := make(net.Buffers, 0, 2*len(frames))
	hdrs := make([]byte, 0, 9*len(frames))
	for i, f := range frames {
		var flags byte
		if i < len(frames)-1 {
			flags |= zmtpMore
		}
		start := len(hdrs)
		if len(f) > 255 {
			hdrs = append(hdrs, flags|zmtpLong)
			hdrs = binary.BigEndian.AppendUint64(hdrs, uint64(len(f)))
		} else {
			hdrs = append(hdrs, flags, byte(len(f)))
		}
		bufs = append(bufs, hdrs[start:len(hdrs):len(hdrs)], f)
	}
	return bufs
}

// errNotRaw: a listener without a raw file descriptor.
var errNotRaw = errors.New("kernel: listener has no file descriptor")

// startAcceptingPortable accepts with the listener's Accept. A connection
// the loop has accepted but not yet registered escapes waitSubscribers;
// Linux does better (iopub_linux.go).
func (p *pubSocket) startAcceptingPortable() (stop func()) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			nc, err := p.ln.Accept()
			if err != nil {
				if p.isClosed() || errors.Is(err, net.ErrClosed) {
					return
				}
				p.log("iopub: accept: %v", err)
				time.Sleep(5 * time.Millisecond)
				continue
			}
			p.mu.Lock()
			p.register(nc)
			p.mu.Unlock()
		}
	}()
	return func() {}
}
