package kernel

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// writeLog is a net.Conn that records each Write it is given.
type writeLog struct {
	net.Conn
	writes [][]byte
}

func (w *writeLog) Write(p []byte) (int, error) {
	w.writes = append(w.writes, bytes.Clone(p))
	return len(p), nil
}

// header returns a ZMTP frame header as zmq4 writes it.
func header(flag byte, size int) []byte {
	if size > 255 {
		h := make([]byte, 9)
		h[0] = flag | zmtpLong
		binary.BigEndian.PutUint64(h[1:], uint64(size))
		return h
	}
	return []byte{flag, byte(size)}
}

func TestFrameConnBatchesAMessage(t *testing.T) {
	under := &writeLog{}
	c := newFrameConn(under)
	var all []byte
	write := func(p []byte) {
		t.Helper()
		if n, err := c.Write(p); n != len(p) || err != nil {
			t.Fatalf("Write(%d bytes) = %d, %v", len(p), n, err)
		}
		all = append(all, p...)
	}
	greeting := bytes.Repeat([]byte{0xff}, 64)
	write(greeting)
	if len(under.writes) != 1 {
		t.Fatalf("greeting: %d writes, want 1 (passed through)", len(under.writes))
	}
	// A command: one write as soon as its body is complete.
	write(header(zmtpCommand, 5))
	write([]byte("READY"))
	if len(under.writes) != 2 {
		t.Fatalf("command: %d writes in all, want 2", len(under.writes))
	}
	// A message of four frames, one empty and one long: held to the end.
	bodies := [][]byte{[]byte("<IDS|MSG>"), {}, bytes.Repeat([]byte("x"), 300), []byte("{}")}
	for i, b := range bodies {
		flag := byte(zmtpMore)
		if i == len(bodies)-1 {
			flag = 0
		}
		write(header(flag, len(b)))
		write(b) // zmq4 writes an empty body too
		if i < len(bodies)-1 && len(under.writes) != 2 {
			t.Fatalf("frame %d: written before the message was complete", i)
		}
	}
	if len(under.writes) != 3 {
		t.Fatalf("message: %d writes in all, want 3", len(under.writes))
	}
	// A last frame that is empty ends the message with its header.
	write(header(zmtpMore, 1))
	write([]byte("a"))
	write(header(0, 0))
	if len(under.writes) != 4 {
		t.Fatalf("message ending in an empty frame: %d writes in all, want 4", len(under.writes))
	}
	// A body longer than announced: not a frame after all; all goes through.
	write(header(zmtpMore, 2))
	write([]byte("abc"))
	if got := bytes.Join(under.writes, nil); !bytes.Equal(got, all) {
		t.Fatalf("bytes on the wire differ from the bytes written:\n%q\n%q", got, all)
	}
}

// TestFrameConnZMQ sends multi-part messages both ways between a zmq4
// ROUTER listening through zmtpListener and a zmq4 DEALER, with frames of
// every size class, and checks each arrives whole.
func TestFrameConnZMQ(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	router := zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity("router")))
	defer router.Close()
	if err := listen(router, ln, nil); err != nil {
		t.Fatal(err)
	}
	dealer := zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("dealer")))
	defer dealer.Close()
	if err := dealer.Dial("tcp://" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{0, 1, 255, 256, 70000, 1 << 20} {
		body := bytes.Repeat([]byte{byte(size)}, size)
		want := [][]byte{[]byte("<IDS|MSG>"), {}, body, []byte(fmt.Sprint(size))}
		if err := dealer.SendMulti(zmq4.NewMsgFrom(want...)); err != nil {
			t.Fatal(err)
		}
		got := recvWithin(t, router)
		if len(got.Frames) != len(want)+1 || string(got.Frames[0]) != "dealer" {
			t.Fatalf("size %d: router got %d frames", size, len(got.Frames))
		}
		for i := range want {
			if !bytes.Equal(got.Frames[i+1], want[i]) {
				t.Fatalf("size %d: frame %d differs", size, i)
			}
		}
		// And back, through the ROUTER's writes that frameConn batches.
		if err := router.SendMulti(zmq4.NewMsgFrom(append([][]byte{[]byte("dealer")}, want...)...)); err != nil {
			t.Fatal(err)
		}
		back := recvWithin(t, dealer)
		if len(back.Frames) != len(want) {
			t.Fatalf("size %d: dealer got %d frames, want %d", size, len(back.Frames), len(want))
		}
		for i := range want {
			if !bytes.Equal(back.Frames[i], want[i]) {
				t.Fatalf("size %d: frame %d back differs", size, i)
			}
		}
	}
}

func recvWithin(t *testing.T, s zmq4.Socket) zmq4.Msg {
	t.Helper()
	got := make(chan zmq4.Msg, 1)
	go func() {
		m, err := s.Recv()
		if err != nil {
			m = zmq4.Msg{}
		}
		got <- m
	}()
	select {
	case m := <-got:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message within 10s")
		return zmq4.Msg{}
	}
}
