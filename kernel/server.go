package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gopherlab/gopherlab/kernel/session"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// ErrServerClosed is returned by [Server.Serve] after a shutdown_request.
var ErrServerClosed = errors.New("kernel: server closed")

// Options configures a [Server]. The zero value is ready to use.
type Options struct {
	// Log receives the kernel's own log lines. Nil logs to standard error
	// (the original one, with CaptureStdio) with the prefix "gopherlab: ".
	Log *log.Logger
	// Version is the implementation_version of kernel_info_reply.
	Version string
	// FlushInterval is how long stream text may wait before it is sent;
	// zero means 25ms.
	FlushInterval time.Duration
	// FlushSize is how many bytes of one stream are sent at once at most
	// before a flush; zero means 64 KiB.
	FlushSize int
	// CaptureStdio replaces file descriptors 1 and 2 of the process with
	// pipes whose text goes to the session's Stdout and Stderr, so that
	// output of compiled code and of child processes reaches the cell.
	// The kernel's log goes to a duplicate of the original standard error.
	CaptureStdio bool
	// HandleSignals makes SIGINT interrupt the running cell instead of
	// ending the process and, with CaptureStdio, SIGQUIT print the
	// goroutines to the log rather than into a cell. The Go runtime keeps
	// two threads for a program that handles signals (package os/signal),
	// two of the five of an idle kernel.
	HandleSignals bool
	// Debug makes the server log what it does (sockets, connections,
	// shutdowns, interrupts, replies to clients that have gone) besides the
	// failures it always logs. Without it a kernel says nothing while all
	// is well: jupyter console shows the kernel's standard error.
	Debug bool
	// Listeners holds sockets bound before the server was created, keyed
	// by endpoint as [ConnectionInfo.Addr] writes it: Serve listens with
	// them instead of binding those endpoints, and closes any it does not
	// need. The gopherlab command binds its sockets this way while it is
	// still initialising, so that clients never find them closed.
	Listeners map[string]net.Listener
}

// Server is a Jupyter kernel serving one session over the sockets of a
// connection file. Create it with [New]; call [Server.Serve] once.
type Server struct {
	conn  ConnectionInfo
	sess  *session.Session
	opts  Options
	log   *log.Logger
	codec *wire.Codec
	id    string // the kernel's session id for messages it originates

	shell, control, stdin, hb   zmq4.Socket
	shellMu, controlMu, stdinMu sync.Mutex
	iopub                       *pubSocket

	shellQ     chan *wire.Message
	shellIn    *inputGauge  // follows the shell socket's connections
	shellTaken atomic.Int64 // messages taken from the shell socket
	stdinQ     chan *wire.Message
	done       chan struct{}
	closing    sync.Once

	mu      sync.Mutex
	cancel  context.CancelFunc // cancels the running cell, nil between cells
	count   int                // execution_count
	history []histEntry
	lastOut *cellOutput // the output of the running or last cell

	pipes []*capturedPipe // with CaptureStdio

	listening chan struct{} // closed once the sockets are bound
	greeted   chan struct{} // closed after the first request (see Greeted)
	greetOnce sync.Once
	sessReady chan struct{} // closed once sess (or sessErr) is set
	sessOnce  sync.Once
	sessErr   error
}

// New returns a Server for the sockets described by conn, running cells in
// sess. With a nil sess the server starts without one, so that it answers
// kernel_info_request while the session is being created; requests that
// need the session wait for [Server.SetSession].
func New(conn ConnectionInfo, sess *session.Session, opts Options) (*Server, error) {
	codec, err := wire.NewCodec(conn.SignatureScheme, []byte(conn.Key))
	if err != nil {
		return nil, fmt.Errorf("kernel: %w", err)
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = 25 * time.Millisecond
	}
	if opts.FlushSize <= 0 {
		opts.FlushSize = 64 << 10
	}
	lg := opts.Log
	if lg == nil {
		lg = log.New(os.Stderr, "gopherlab: ", log.LstdFlags)
	}
	srv := &Server{
		conn:    conn,
		sess:    sess,
		opts:    opts,
		log:     lg,
		codec:   codec,
		id:      wire.NewID(),
		shellQ:  make(chan *wire.Message, 1024),
		shellIn: newInputGauge(),
		stdinQ:  make(chan *wire.Message, 16),
		done:    make(chan struct{}),

		sessReady: make(chan struct{}),
		listening: make(chan struct{}),
		greeted:   make(chan struct{}),
	}
	if sess != nil {
		srv.SetSession(sess, nil)
	}
	return srv, nil
}

// SetSession gives a Server created without a session its session, or the
// error that prevented creating it (cells then fail with that error). Only
// the first call counts.
func (s *Server) SetSession(sess *session.Session, err error) {
	s.sessOnce.Do(func() {
		s.sess, s.sessErr = sess, err
		if sess == nil && err == nil {
			s.sessErr = errors.New("kernel: no session")
		}
		close(s.sessReady)
	})
}

// Listening returns a channel closed once Serve has bound the sockets: a
// caller building the session in the background can wait for it, so that
// the kernel answers its first kernel_info_request sooner.
func (s *Server) Listening() <-chan struct{} { return s.listening }

// Greeted returns a channel closed once the server has answered its first
// request (a client's kernel_info_request, usually) or a request waits for
// the session. A caller building the session in the background can wait
// for it as well, so that the session does not compete for the processor
// with the first reply.
func (s *Server) Greeted() <-chan struct{} { return s.greeted }

// greet closes greeted.
func (s *Server) greet() { s.greetOnce.Do(func() { close(s.greeted) }) }

// session waits for the session.
func (s *Server) session() (*session.Session, error) {
	s.greet()
	select {
	case <-s.sessReady:
		return s.sess, s.sessErr
	case <-s.done:
		return nil, ErrServerClosed
	}
}

// Serve binds the sockets and serves requests until ctx is cancelled or a
// shutdown_request arrives; then it returns ctx's error or
// [ErrServerClosed]. A panic in a handler is logged and the server goes on.
func (s *Server) Serve(ctx context.Context) error {
	if s.opts.CaptureStdio {
		if err := s.captureStdio(); err != nil {
			for _, ln := range s.opts.Listeners {
				ln.Close()
			}
			return err
		}
	}
	zctx, zcancel := context.WithCancel(context.Background())
	defer zcancel()
	zlog := log.New(debugWriter{s}, "zmq: ", 0)
	s.shell = zmq4.NewRouter(zctx, zmq4.WithLogger(zlog))
	s.control = zmq4.NewRouter(zctx, zmq4.WithLogger(zlog))
	s.stdin = zmq4.NewRouter(zctx, zmq4.WithLogger(zlog))
	s.hb = zmq4.NewRep(zctx, zmq4.WithLogger(zlog))
	socks := []struct {
		name string
		sock zmq4.Socket // nil for IOPub, which is a pubSocket
		port int
	}{
		{"shell", s.shell, s.conn.ShellPort},
		{"control", s.control, s.conn.ControlPort},
		{"stdin", s.stdin, s.conn.StdinPort},
		{"iopub", nil, s.conn.IOPubPort},
		{"heartbeat", s.hb, s.conn.HBPort},
	}
	defer func() {
		for _, k := range socks {
			if k.sock != nil {
				k.sock.Close()
			}
		}
		if s.iopub != nil {
			s.iopub.Close()
		}
	}()
	// Every socket listens on a listener of ours: the one bound during
	// initialisation, or one bound now.
	lns := make([]net.Listener, len(socks))
	early := 0
	for i, k := range socks {
		lns[i] = s.opts.Listeners[s.conn.Addr(k.port)]
		if lns[i] != nil {
			early++
		}
	}
	for _, ln := range s.opts.Listeners {
		if !slices.Contains(lns, ln) {
			ln.Close()
		}
	}
	closeFrom := func(i int) {
		for _, ln := range lns[i:] {
			if ln != nil {
				ln.Close()
			}
		}
	}
	for i, k := range socks {
		if lns[i] == nil {
			ln, err := bindEndpoint(s.conn.Addr(k.port))
			if err != nil {
				closeFrom(i + 1)
				return fmt.Errorf("kernel: listen %s on %s: %w", k.name, s.conn.Addr(k.port), err)
			}
			lns[i] = ln
		}
		if k.sock == nil {
			s.iopub = newPubSocket(lns[i], s.debugf)
			continue
		}
		var in *inputGauge
		if k.sock == s.shell {
			in = s.shellIn
		}
		if err := listen(k.sock, lns[i], in); err != nil {
			closeFrom(i + 1)
			return fmt.Errorf("kernel: listen %s on %s: %w", k.name, s.conn.Addr(k.port), err)
		}
	}
	how := ""
	if early == len(socks) {
		how = " (sockets bound during initialisation)"
	}
	s.debugf("listening: shell %s, %s%s", s.conn.Addr(s.conn.ShellPort), runtime.Version(), how)
	close(s.listening)
	s.publish(nil, wire.Status, wire.StatusContent{ExecutionState: wire.StateStarting})

	if s.opts.HandleSignals {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		defer signal.Stop(sig)
		go func() {
			for {
				select {
				case <-sig:
					s.debugf("SIGINT: interrupting the running cell")
					s.interrupt()
				case <-s.done:
					return
				}
			}
		}()
	}

	go s.heartbeat()
	go s.readLoop("shell", s.shell, s.shellQ, &s.shellTaken)
	go s.readLoop("stdin", s.stdin, s.stdinQ, nil)
	go s.controlLoop()
	go s.shellLoop()

	var err error
	select {
	case <-ctx.Done():
		err = ctx.Err()
		s.close()
	case <-s.done:
		err = ErrServerClosed
	}
	s.interrupt()
	return err
}

// debugf logs when Options.Debug is set.
func (s *Server) debugf(format string, args ...any) {
	if s.opts.Debug {
		s.log.Printf(format, args...)
	}
}

// debugWriter writes to the log when Options.Debug is set.
type debugWriter struct{ s *Server }

func (w debugWriter) Write(p []byte) (int, error) {
	if w.s.opts.Debug {
		w.s.log.Print(string(p))
	}
	return len(p), nil
}

// close ends Serve.
func (s *Server) close() { s.closing.Do(func() { close(s.done) }) }

// closed reports whether the server is shutting down.
func (s *Server) closed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// heartbeat echoes every ping on the heartbeat socket.
func (s *Server) heartbeat() {
	for {
		msg, err := s.hb.Recv()
		if err != nil {
			if !s.closed() {
				s.log.Printf("heartbeat: %v", err)
			}
			return
		}
		if err := s.hb.Send(msg); err != nil && !s.closed() {
			s.log.Printf("heartbeat: %v", err)
		}
	}
}

// readLoop decodes messages from a ROUTER socket into q, dropping those
// that fail to decode or verify, and counts in taken (if not nil) the
// messages it has put in q or dropped.
func (s *Server) readLoop(name string, sock zmq4.Socket, q chan<- *wire.Message, taken *atomic.Int64) {
	count := func() {
		if taken != nil {
			taken.Add(1)
		}
	}
	for {
		raw, err := sock.Recv()
		if err != nil {
			if s.closed() {
				return
			}
			s.log.Printf("%s: receive: %v", name, err)
			if errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "closed") {
				return
			}
			time.Sleep(5 * time.Millisecond)
			continue
		}
		m, err := s.codec.Decode(raw.Frames)
		if err != nil {
			s.log.Printf("%s: dropped message: %v", name, err)
			count()
			continue
		}
		select {
		case q <- m:
			count()
		case <-s.done:
			return
		}
	}
}

// controlLoop serves the control channel, concurrently with cells.
func (s *Server) controlLoop() {
	for {
		raw, err := s.control.Recv()
		if err != nil {
			if s.closed() {
				return
			}
			s.log.Printf("control: receive: %v", err)
			if strings.Contains(err.Error(), "closed") {
				return
			}
			time.Sleep(5 * time.Millisecond)
			continue
		}
		m, err := s.codec.Decode(raw.Frames)
		if err != nil {
			s.log.Printf("control: dropped message: %v", err)
			continue
		}
		if m.Type() == wire.ExecuteRequest {
			// Cells run one at a time, on shell; running one here would
			// overlap the shell's.
			s.debugf("control: refused execute_request")
			s.reply(channel{s.control, &s.controlMu}, m, wire.ExecuteReply, wire.ErrorReplyContent{
				Status: wire.StatusError, EName: "WrongChannel",
				EValue: "execute_request belongs on the shell channel", Traceback: []string{},
			})
			continue
		}
		s.dispatch(s.control, &s.controlMu, m)
	}
}

// shellLoop serves shell requests one at a time.
func (s *Server) shellLoop() {
	for {
		select {
		case m := <-s.shellQ:
			s.dispatch(s.shell, &s.shellMu, m)
		case <-s.done:
			return
		}
	}
}

// channel is a socket to reply on.
type channel struct {
	sock zmq4.Socket
	mu   *sync.Mutex
}

// dispatch handles one request wrapped in busy and idle, recovering a panic
// in the handler.
func (s *Server) dispatch(sock zmq4.Socket, mu *sync.Mutex, m *wire.Message) {
	ch := channel{sock, mu}
	// The status messages of a request reach every IOPub subscriber that
	// connected before it (see pubSocket).
	s.iopub.waitSubscribers()
	s.publish(m, wire.Status, wire.StatusContent{ExecutionState: wire.StateBusy})
	defer s.greet()
	defer s.publish(m, wire.Status, wire.StatusContent{ExecutionState: wire.StateIdle})
	defer func() {
		if r := recover(); r != nil {
			s.log.Printf("panic handling %s: %v\n%s", m.Type(), r, debug.Stack())
			if m.Type().IsRequest() {
				s.reply(ch, m, m.Type().Reply(), wire.ErrorReplyContent{
					Status: wire.StatusError, EName: "KernelError",
					EValue:    fmt.Sprintf("the kernel failed handling %s: %v", m.Type(), r),
					Traceback: []string{},
				})
			}
		}
	}()
	s.handle(ch, m)
}

// send encodes and sends m on ch.
func (s *Server) send(ch channel, m *wire.Message) {
	frames, err := s.codec.Encode(m)
	if err != nil {
		s.log.Printf("encode %s: %v", m.Type(), err)
		return
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	// A ROUTER socket sends to the client the identity frames name. When
	// that client has gone (a transient connection of a Jupyter server,
	// closed once it had a reply) the reply is dropped, as libzmq's ROUTER
	// drops it: not a failure of the kernel.
	if err := ch.sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil && !s.closed() {
		s.debugf("send %s: the client has gone: %v", m.Type(), err)
	}
}

// reply sends a reply of type t with content to the request parent on ch.
func (s *Server) reply(ch channel, parent *wire.Message, t wire.MsgType, content any) {
	r := wire.Reply(parent, t)
	// Every message the kernel sends carries the kernel's session, as
	// ipykernel's do: JupyterLab takes a change of session for a restarted
	// kernel and drops the messages it was handling (a reply with the
	// client's session among IOPub messages with the kernel's lost
	// update_display_data and comm messages).
	r.Header.Session = s.id
	if err := r.SetContent(content); err != nil {
		s.log.Printf("%v", err)
		return
	}
	s.send(ch, r)
}

// publish sends an IOPub message of type t whose parent is parent (nil for
// none).
func (s *Server) publish(parent *wire.Message, t wire.MsgType, content any) {
	var m *wire.Message
	if parent != nil {
		m = wire.Reply(parent, t)
		m.Header.Session = s.id
	} else {
		m = &wire.Message{Header: wire.NewHeader(t, s.id)}
	}
	m.Identities = [][]byte{[]byte("kernel." + s.id + "." + string(t))}
	if err := m.SetContent(content); err != nil {
		s.log.Printf("%v", err)
		return
	}
	frames, err := s.codec.Encode(m)
	if err != nil {
		s.log.Printf("encode %s: %v", m.Type(), err)
		return
	}
	s.iopub.send(frames)
}

// interrupt cancels the running cell, if any.
func (s *Server) interrupt() {
	s.mu.Lock()
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// streamWriter returns where text written to fd 1 or 2 goes: the session's
// Stdout/Stderr when it has them, else the running or last cell.
func (s *Server) streamWriter(name string) io.Writer {
	type stdio interface {
		Stdout() io.Writer
		Stderr() io.Writer
	}
	select {
	case <-s.sessReady:
	default:
		return lastCellWriter{s, name}
	}
	if sw, ok := any(s.sess).(stdio); ok && s.sess != nil {
		if name == "stdout" {
			return sw.Stdout()
		}
		return sw.Stderr()
	}
	return lastCellWriter{s, name}
}

// lastCellWriter writes to the stream name of the running or last cell.
type lastCellWriter struct {
	s    *Server
	name string
}

func (w lastCellWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	out := w.s.lastOut
	w.s.mu.Unlock()
	if out == nil {
		w.s.debugf("%s (no cell): %s", w.name, p)
		return len(p), nil
	}
	return len(p), out.Stream(w.name, string(p))
}
