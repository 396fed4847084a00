package kernel

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// TestReadStateFeed follows a peer's ZMTP stream (greeting, READY, then
// messages of short, long and empty frames, and a command) fed in pieces
// of every size, and checks that it counts the messages where they end and
// is mid-message exactly in between.
func TestReadStateFeed(t *testing.T) {
	frame := func(flags byte, body []byte) []byte {
		if len(body) > 255 {
			b := binary.BigEndian.AppendUint64([]byte{flags | zmtpLong}, uint64(len(body)))
			return append(b, body...)
		}
		return append([]byte{flags, byte(len(body))}, body...)
	}
	var stream []byte
	var ends []int // offset after each message
	stream = append(stream, bytes.Repeat([]byte{0xff}, 64)...)
	stream = append(stream, frame(zmtpCommand, []byte("\x05READY"))...)
	handshake := len(stream)
	msgs := [][][]byte{
		{[]byte("<IDS|MSG>"), []byte("sig"), bytes.Repeat([]byte("h"), 300), {}, []byte("{}")},
		{{}},
		{bytes.Repeat([]byte("x"), 70000)},
	}
	for _, m := range msgs {
		for i, f := range m {
			var flags byte
			if i < len(m)-1 {
				flags = zmtpMore
			}
			stream = append(stream, frame(flags, f)...)
		}
		ends = append(ends, len(stream))
	}
	stream = append(stream, frame(zmtpCommand, []byte("\x04PING"))...)
	ends = append(ends, len(stream))

	for _, piece := range []int{1, 2, 3, 7, 64, 1000, len(stream)} {
		s := newReadState()
		done := 0
		for off := 0; off < len(stream); off += piece {
			end := min(off+piece, len(stream))
			done += s.feed(stream[off:end])
			want := 0
			for _, e := range ends {
				if e <= end {
					want++
				}
			}
			if done != want {
				t.Fatalf("pieces of %d: after %d bytes, %d messages, want %d", piece, end, done, want)
			}
			atEnd := end == handshake
			for _, e := range ends {
				atEnd = atEnd || e == end
			}
			if piece == 1 && end > handshake && s.mid == atEnd {
				t.Fatalf("pieces of 1: after %d bytes mid = %v", end, s.mid)
			}
		}
	}
}
