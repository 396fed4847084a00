package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
)

var testKey = []byte("a0436f6c-1916-498b-8eb9-e81ab9368e84")

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		key  []byte
		msg  Message
	}{
		{"signed request", testKey, Message{
			Identities: [][]byte{[]byte("client-1")},
			Header:     Header{MsgID: "m1", Session: "s", Username: "u", Date: "2026-01-01T00:00:00Z", MsgType: ExecuteRequest, Version: "5.4"},
			Parent:     json.RawMessage(`{}`),
			Metadata:   map[string]any{"deletedCells": []any{}},
			Content:    json.RawMessage(`{"code":"fmt.Println(1)","silent":false}`),
		}},
		{"unsigned with buffers", nil, Message{
			Header:  Header{MsgID: "m2", MsgType: CommMsg, Version: "5.4"},
			Parent:  json.RawMessage(`{"msg_id":"p"}`),
			Content: json.RawMessage(`{"data":{}}`),
			Buffers: [][]byte{{0, 1, 2}, {}},
		}},
		{"two identities, unicode", testKey, Message{
			Identities: [][]byte{[]byte("a"), {0xff, 0}},
			Header:     Header{MsgID: "m3", MsgType: Stream, Version: "5.4"},
			Parent:     json.RawMessage(`{}`),
			Content:    json.RawMessage(`{"name":"stdout","text":"héllo ✓\n"}`),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCodec("hmac-sha256", tt.key)
			if err != nil {
				t.Fatal(err)
			}
			frames, err := c.Encode(&tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			if tt.key != nil && len(frames[len(tt.msg.Identities)+1]) != 64 {
				t.Errorf("signature %q is not 64 hex digits", frames[len(tt.msg.Identities)+1])
			}
			got, err := c.Decode(frames)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Header, tt.msg.Header) {
				t.Errorf("header = %+v, want %+v", got.Header, tt.msg.Header)
			}
			if len(got.Identities) != len(tt.msg.Identities) {
				t.Fatalf("identities = %q, want %q", got.Identities, tt.msg.Identities)
			}
			for i := range got.Identities {
				if !bytes.Equal(got.Identities[i], tt.msg.Identities[i]) {
					t.Errorf("identity %d = %q, want %q", i, got.Identities[i], tt.msg.Identities[i])
				}
			}
			if string(got.Content) != string(tt.msg.Content) || string(got.Parent) != string(tt.msg.Parent) {
				t.Errorf("content/parent = %s %s, want %s %s", got.Content, got.Parent, tt.msg.Content, tt.msg.Parent)
			}
			if len(got.Buffers) != len(tt.msg.Buffers) {
				t.Errorf("buffers = %d, want %d", len(got.Buffers), len(tt.msg.Buffers))
			}
			if tt.msg.Metadata != nil && !reflect.DeepEqual(got.Metadata, tt.msg.Metadata) {
				t.Errorf("metadata = %v, want %v", got.Metadata, tt.msg.Metadata)
			}
		})
	}
}

// TestKnownSignature checks the signature against one computed by
// jupyter_client's Session.sign for the same frames and key.
func TestKnownSignature(t *testing.T) {
	c, _ := NewCodec("hmac-sha256", []byte("key"))
	got := c.sign([][]byte{[]byte(`{"a":1}`), []byte(`{}`), []byte(`{}`), []byte(`{}`)})
	// python3 -c 'import hmac,hashlib;h=hmac.new(b"key",digestmod=hashlib.sha256);[h.update(p) for p in (b"{\"a\":1}",b"{}",b"{}",b"{}")];print(h.hexdigest())'
	const want = "f1128388193e4dd1aa760827bd756a1b40b627676b5efe22c0e8297919bfa218"
	if string(got) != want {
		t.Errorf("signature = %s, want %s", got, want)
	}
}

func TestDecodeRejects(t *testing.T) {
	c, _ := NewCodec("hmac-sha256", testKey)
	good := func(id string) [][]byte {
		m := &Message{Header: NewHeader(KernelInfoRequest, "s"), Identities: [][]byte{[]byte(id)}}
		m.Header.MsgID = id
		f, err := c.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	tamper := good("t1")
	tamper[len(tamper)-1] = []byte(`{"code":"evil"}`)
	badSig := good("t2")
	badSig[2] = bytes.Repeat([]byte("0"), 64)
	noSig := good("t3")
	noSig[2] = nil
	replay := good("t4")
	if _, err := c.Decode(replay); err != nil {
		t.Fatalf("first decode: %v", err)
	}
	// The same signature in upper case is the same signature.
	replayUpper := slices.Clone(replay)
	replayUpper[2] = bytes.ToUpper(replay[2])
	short := good("t5")[:5]
	otherKey, _ := NewCodec("hmac-sha256", []byte("other"))
	badJSON := func() [][]byte {
		f := [][]byte{[]byte(Delimiter), nil, []byte(`{"msg_type":`), []byte(`{}`), []byte(`{}`), []byte(`{}`)}
		f[1] = c.sign(f[2:6])
		return f
	}()
	wrongKey, _ := otherKey.Encode(&Message{Header: NewHeader(ExecuteRequest, "s")})

	tests := []struct {
		name   string
		frames [][]byte
		want   error
	}{
		{"tampered content", tamper, ErrBadSignature},
		{"zero signature", badSig, ErrBadSignature},
		{"missing signature", noSig, ErrBadSignature},
		{"wrong key", wrongKey, ErrBadSignature},
		{"replay", replay, ErrReplay},
		{"replay in upper case", replayUpper, ErrReplay},
		{"short", short, ErrShort},
		{"no delimiter", [][]byte{[]byte("x"), []byte("y")}, ErrNoDelimiter},
		{"empty", nil, ErrNoDelimiter},
		{"bad header json", badJSON, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Decode(tt.frames)
			if err == nil {
				t.Fatal("Decode accepted the message")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestReplayWindowBounded(t *testing.T) {
	c, _ := NewCodec("hmac-sha256", testKey)
	c.SetReplayWindow(2)
	var first [][]byte
	for i := range 3 {
		m := &Message{Header: NewHeader(KernelInfoRequest, "s")}
		f, _ := c.Encode(m)
		if i == 0 {
			first = f
		}
		if _, err := c.Decode(f); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.seen) != 2 || len(c.ring) != 2 {
		t.Errorf("remembered %d/%d signatures, want 2", len(c.seen), len(c.ring))
	}
	// The oldest signature fell out of the window.
	if _, err := c.Decode(first); err != nil {
		t.Errorf("decode of evicted signature: %v", err)
	}
}

func TestUnsignedCodecAcceptsAnySignature(t *testing.T) {
	c, _ := NewCodec("", nil)
	f := [][]byte{[]byte(Delimiter), []byte("whatever"), []byte(`{"msg_type":"kernel_info_request"}`), []byte(`{}`), []byte(`{}`), []byte(`{}`)}
	for range 2 { // no replay check without a key
		if _, err := c.Decode(f); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewCodecScheme(t *testing.T) {
	if _, err := NewCodec("hmac-md5", testKey); err == nil {
		t.Error("NewCodec accepted hmac-md5")
	}
}

func TestMsgTypeReply(t *testing.T) {
	for in, want := range map[MsgType]MsgType{
		ExecuteRequest:    ExecuteReply,
		"debug_request":   "debug_reply",
		Stream:            Stream,
		"_request":        "_request",
		KernelInfoRequest: KernelInfoReply,
		InterruptRequest:  InterruptReply,
		IsCompleteRequest: IsCompleteReply,
		ShutdownRequest:   ShutdownReply,
		CommInfoRequest:   CommInfoReply,
		HistoryRequest:    HistoryReply,
		InspectRequest:    InspectReply,
		CompleteRequest:   CompleteReply,
	} {
		if got := in.Reply(); got != want {
			t.Errorf("%s.Reply() = %s, want %s", in, got, want)
		}
	}
}

func TestReplyKeepsRawParent(t *testing.T) {
	c, _ := NewCodec("hmac-sha256", testKey)
	hdr := `{"msg_id":"x","session":"s","username":"u","date":"d","msg_type":"execute_request","version":"5.4","subshell_id":null}`
	f := [][]byte{[]byte("id"), []byte(Delimiter), nil, []byte(hdr), []byte(`{}`), []byte(`{}`), []byte(`{}`)}
	f[2] = c.sign(f[3:7])
	m, err := c.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	r := Reply(m, ExecuteReply)
	if string(r.Parent) != hdr || string(r.Identities[0]) != "id" || r.Header.Session != "s" {
		t.Errorf("reply parent %s identities %q session %q", r.Parent, r.Identities, r.Header.Session)
	}
}
