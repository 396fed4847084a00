package wire

import (
	"testing"
)

// FuzzDecode feeds arbitrary frames to Decode. When sign is set the frames
// carry a valid signature, so that the fuzzer gets past the HMAC check and
// exercises the JSON decoding. Decode must never panic, and whatever it
// accepts must encode again.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("id"), []byte(`{"msg_id":"1","session":"s","username":"u","date":"2026-01-01T00:00:00Z","msg_type":"execute_request","version":"5.4"}`),
		[]byte(`{}`), []byte(`{}`), []byte(`{"code":"1+1","silent":false}`), true, uint8(0))
	f.Add([]byte(""), []byte(`{"msg_type":"kernel_info_request"}`), []byte(`{}`), []byte(`null`), []byte(`{}`), false, uint8(1))
	f.Add([]byte("<IDS|MSG>"), []byte(`{`), []byte(``), []byte(`[]`), []byte(`"x"`), true, uint8(2))
	f.Fuzz(func(t *testing.T, id, header, parent, meta, content []byte, sign bool, extra uint8) {
		c, _ := NewCodec("hmac-sha256", testKey)
		frames := [][]byte{id, []byte(Delimiter), nil, header, parent, meta, content}
		if sign {
			frames[2] = c.sign(frames[3:7])
		}
		// Drop or add frames to exercise the framing checks.
		switch extra % 4 {
		case 1:
			frames = frames[:int(extra)%len(frames)]
		case 2:
			frames = append(frames, content, id)
		}
		m, err := c.Decode(frames)
		if err != nil {
			return
		}
		if _, err := c.Encode(m); err != nil {
			t.Fatalf("Encode of decoded message: %v", err)
		}
		var v map[string]any
		_ = m.DecodeContent(&v)
		_ = m.ParentHeader()
		_ = Reply(m, m.Type().Reply())
	})
}
