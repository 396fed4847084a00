package kernel

import (
	"sync"
	"sync/atomic"
)

// inputGauge tells when every message that has reached a socket has been
// handed to the server: it knows, for each connection of the socket, the
// bytes the operating system holds unread, the bytes read but not yet
// handed to zmq4, and whether zmq4 is in the middle of a message; and how
// many messages zmq4 has read in all. When nothing is unread or half read
// and the server has taken as many messages as zmq4 read, every request
// that arrived is in the server's queue.
//
// stop_on_error needs this: after a cell fails, the execute_requests that
// arrived before its error reply are aborted, and those that arrive after
// run (a client that saw the error and sent the next cell). A timer cannot
// tell them apart; arrival can.
type inputGauge struct {
	mu    sync.Mutex
	conns map[*frameConn]bool
	read  atomic.Int64 // messages read by zmq4 from all the connections
}

func newInputGauge() *inputGauge { return &inputGauge{conns: map[*frameConn]bool{}} }

func (g *inputGauge) add(c *frameConn) {
	g.mu.Lock()
	g.conns[c] = true
	g.mu.Unlock()
}

func (g *inputGauge) remove(c *frameConn) {
	g.mu.Lock()
	delete(g.conns, c)
	g.mu.Unlock()
}

// drained reports whether every message that has reached the socket's
// connections has been read by zmq4 and taken by the server, taken being
// the number of messages the server has received from the socket.
func (g *inputGauge) drained(taken int64) bool {
	g.mu.Lock()
	conns := make([]*frameConn, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		if !c.drained() {
			return false
		}
	}
	// A connection counts each message it completes before it lets go of
	// its lock (frameConn.Read): the messages of drained connections are
	// all in read by now.
	return g.read.Load() == taken
}

// readState follows the ZMTP stream a peer sends (greeting, then frames),
// as zmq4 consumes it, to tell where messages end.
type readState struct {
	greeting  int     // bytes of the 64-byte greeting still to come
	hdr       [9]byte // the frame header being read
	nhdr      int     // bytes of hdr read
	need      int     // bytes of hdr there are: 2, or 9 for a long frame
	body      uint64  // bytes of the current frame's body still to come
	more, cmd bool    // flags of the current frame
	handshook bool    // the peer's READY command has been read
	mid       bool    // in the middle of a message
}

func newReadState() readState { return readState{greeting: 64} }

// feed follows p, the next bytes consumed, and returns how many messages
// they complete. The peer's first command (READY, in the NULL handshake
// that zmq4.Open performs) is not a message.
func (s *readState) feed(p []byte) (done int) {
	for len(p) > 0 {
		switch {
		case s.greeting > 0:
			n := min(s.greeting, len(p))
			s.greeting -= n
			p = p[n:]
		case s.body > 0:
			n := int(min(s.body, uint64(len(p))))
			s.body -= uint64(n)
			p = p[n:]
			if s.body == 0 {
				done += s.frameEnd()
			}
		default:
			s.hdr[s.nhdr] = p[0]
			s.nhdr++
			p = p[1:]
			s.mid = true
			if s.nhdr == 1 {
				s.need = 2
				if s.hdr[0]&zmtpLong != 0 {
					s.need = 9
				}
			}
			if s.nhdr < s.need {
				continue
			}
			flags := s.hdr[0]
			size := uint64(s.hdr[1])
			if s.need == 9 {
				size = 0
				for _, b := range s.hdr[1:9] {
					size = size<<8 | uint64(b)
				}
			}
			s.nhdr = 0
			s.cmd = flags&zmtpCommand != 0
			s.more = flags&zmtpMore != 0 && !s.cmd
			s.body = size
			if size == 0 {
				done += s.frameEnd()
			}
		}
	}
	return done
}

// frameEnd ends a frame and reports whether it ended a message.
func (s *readState) frameEnd() int {
	if s.more {
		return 0
	}
	s.mid = false
	if s.cmd && !s.handshook {
		s.handshook = true
		return 0
	}
	return 1
}
