package kernel

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"

	"github.com/go-zeromq/zmq4"
	zmqtransport "github.com/go-zeromq/zmq4/transport"
)

// preboundScheme is the zmq4 transport through which a socket takes a
// listener from [Options.Listeners]: its endpoints name a slot of
// prebound.
const preboundScheme = "gopherlab-prebound"

// prebound holds listeners on their way to zmq4: zmq4 binds a socket only
// through an endpoint string and a registered transport.
var prebound struct {
	once  sync.Once
	mu    sync.Mutex
	next  int
	slots map[string]net.Listener
}

// preboundSlot stores ln and returns its slot: a zmq4 socket's Listen on
// preboundScheme://SLOT takes it.
func preboundSlot(ln net.Listener) string {
	prebound.once.Do(func() {
		prebound.slots = map[string]net.Listener{}
		if err := zmq4.RegisterTransport(preboundScheme, preboundTransport{}); err != nil {
			panic(err) // registered once, so never
		}
	})
	prebound.mu.Lock()
	defer prebound.mu.Unlock()
	prebound.next++
	slot := strconv.Itoa(prebound.next)
	prebound.slots[slot] = ln
	return slot
}

// preboundTransport hands listeners of prebound to zmq4.
type preboundTransport struct{}

func (preboundTransport) Dial(ctx context.Context, d zmqtransport.Dialer, addr string) (net.Conn, error) {
	return nil, errors.New("kernel: cannot dial a prebound endpoint")
}

func (preboundTransport) Listen(ctx context.Context, slot string) (net.Listener, error) {
	prebound.mu.Lock()
	defer prebound.mu.Unlock()
	ln, ok := prebound.slots[slot]
	if !ok {
		return nil, errors.New("kernel: no prebound listener " + slot)
	}
	delete(prebound.slots, slot)
	return ln, nil
}

func (preboundTransport) Addr(ep string) (string, error) { return ep, nil }

// listen makes sock listen on ln; the connections it accepts are
// [frameConn]s of peers that have begun a ZMTP greeting ([zmtpListener]),
// followed by in if it is not nil.
func listen(sock zmq4.Socket, ln net.Listener, in *inputGauge) error {
	zl := newZMTPListener(ln, in)
	slot := preboundSlot(zl)
	err := sock.Listen(preboundScheme + "://" + slot)
	if err != nil {
		prebound.mu.Lock()
		if _, ok := prebound.slots[slot]; ok {
			delete(prebound.slots, slot)
			zl.Close()
		}
		prebound.mu.Unlock()
	}
	return err
}
