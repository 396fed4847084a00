package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"
	"time"
)

// ProtocolVersion is the version of the messaging protocol this package
// speaks; it goes into every header it creates.
const ProtocolVersion = "5.4"

// Delimiter separates the routing identities from the signed frames.
const Delimiter = "<IDS|MSG>"

// Errors returned by [Codec.Decode]. A caller drops such a message and
// logs the error; it never acts on it.
var (
	ErrNoDelimiter  = errors.New("wire: no <IDS|MSG> delimiter")
	ErrShort        = errors.New("wire: fewer than five frames after the delimiter")
	ErrBadSignature = errors.New("wire: bad or missing signature")
	ErrReplay       = errors.New("wire: replayed signature")
)

// Header is a message header. See
// https://jupyter-client.readthedocs.io/en/stable/messaging.html#message-header.
type Header struct {
	MsgID    string  `json:"msg_id"`
	Session  string  `json:"session"`
	Username string  `json:"username"`
	Date     string  `json:"date"`
	MsgType  MsgType `json:"msg_type"`
	Version  string  `json:"version"`
}

// NewHeader returns a header for a new message of type t in session, with a
// fresh random msg_id and the current time.
func NewHeader(t MsgType, session string) Header {
	return Header{
		MsgID:    NewID(),
		Session:  session,
		Username: "gopherlab",
		Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		MsgType:  t,
		Version:  ProtocolVersion,
	}
}

// NewID returns a random identifier in UUID form, for msg_id and session.
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Message is one Jupyter message. The zero value is an empty message;
// a Message must not be modified while another goroutine encodes it.
type Message struct {
	// Identities are the ZeroMQ routing prefixes (ROUTER sockets) or the
	// topic (IOPub).
	Identities [][]byte
	Header     Header
	// Parent is the raw header of the message this one answers, kept
	// verbatim so that fields unknown to this package survive the trip.
	// Nil encodes as {}.
	Parent   json.RawMessage
	Metadata map[string]any
	// Content is the raw JSON content; see [Message.Decode] and
	// [Message.SetContent].
	Content json.RawMessage
	Buffers [][]byte

	rawHeader json.RawMessage // the header frame as received, if decoded
}

// Type returns the message's msg_type.
func (m *Message) Type() MsgType { return m.Header.MsgType }

// ParentHeader decodes Parent. It returns the zero Header when Parent is
// empty or not a header.
func (m *Message) ParentHeader() Header {
	var h Header
	if len(m.Parent) > 0 {
		_ = json.Unmarshal(m.Parent, &h)
	}
	return h
}

// DecodeContent unmarshals the content into v.
func (m *Message) DecodeContent(v any) error {
	if len(m.Content) == 0 {
		return fmt.Errorf("wire: decode %s content: empty", m.Header.MsgType)
	}
	if err := json.Unmarshal(m.Content, v); err != nil {
		return fmt.Errorf("wire: decode %s content: %w", m.Header.MsgType, err)
	}
	return nil
}

// SetContent marshals v into the content.
func (m *Message) SetContent(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("wire: encode %s content: %w", m.Header.MsgType, err)
	}
	m.Content = b
	return nil
}

// DefaultReplayWindow is how many recent signatures a [Codec] remembers to
// reject replays.
const DefaultReplayWindow = 1 << 16

// A Codec signs, encodes, verifies and decodes messages with one key.
// Create it with [NewCodec]. A Codec is safe for concurrent use.
type Codec struct {
	key []byte // nil: no signing (an empty key in the connection file)

	mu     sync.Mutex
	pool   sync.Pool                      // of hash.Hash
	seen   map[[sha256.Size]byte]struct{} // digests, not hex: half the memory
	ring   [][sha256.Size]byte
	next   int
	window int
}

// NewCodec returns a Codec for the signature_scheme and key of a
// connection file. Only "hmac-sha256" is supported; an empty key turns
// signing off (signatures are then empty and not checked).
func NewCodec(scheme string, key []byte) (*Codec, error) {
	if len(key) > 0 && scheme != "hmac-sha256" && scheme != "" {
		return nil, fmt.Errorf("wire: unsupported signature scheme %q (want hmac-sha256)", scheme)
	}
	c := &Codec{window: DefaultReplayWindow}
	if len(key) > 0 {
		c.key = bytes.Clone(key)
		c.pool.New = func() any { return hmac.New(sha256.New, c.key) }
		c.seen = make(map[[sha256.Size]byte]struct{})
	}
	return c, nil
}

// SetReplayWindow sets how many recent signatures the Codec remembers
// (at least 1). Call it before the first Decode.
func (c *Codec) SetReplayWindow(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.window = max(n, 1)
}

// sign returns the hex signature of the four JSON frames, or nil without key.
func (c *Codec) sign(parts [][]byte) []byte {
	if c.key == nil {
		return nil
	}
	h := c.pool.Get().(hash.Hash)
	h.Reset()
	for _, p := range parts {
		h.Write(p)
	}
	var sum [sha256.Size]byte
	out := make([]byte, hex.EncodedLen(sha256.Size))
	hex.Encode(out, h.Sum(sum[:0]))
	c.pool.Put(h)
	return out
}

// Encode returns the frames of m, signed: identities, delimiter, signature,
// header, parent header, metadata, content and buffers.
func (c *Codec) Encode(m *Message) ([][]byte, error) {
	header, err := json.Marshal(&m.Header)
	if err != nil {
		return nil, fmt.Errorf("wire: encode header: %w", err)
	}
	parent := []byte(m.Parent)
	if len(parent) == 0 {
		parent = []byte("{}")
	}
	var meta []byte = []byte("{}")
	if len(m.Metadata) > 0 {
		if meta, err = json.Marshal(m.Metadata); err != nil {
			return nil, fmt.Errorf("wire: encode metadata: %w", err)
		}
	}
	content := []byte(m.Content)
	if len(content) == 0 {
		content = []byte("{}")
	}
	parts := [][]byte{header, parent, meta, content}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, []byte(Delimiter), c.sign(parts))
	frames = append(frames, parts...)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

// Decode parses and verifies frames received from a socket. It never
// panics, whatever the input. With a key, a missing or wrong signature
// gives [ErrBadSignature] and a signature seen before gives [ErrReplay].
func (c *Codec) Decode(frames [][]byte) (*Message, error) {
	delim := -1
	for i, f := range frames {
		if string(f) == Delimiter {
			delim = i
			break
		}
	}
	if delim < 0 {
		return nil, ErrNoDelimiter
	}
	rest := frames[delim+1:]
	if len(rest) < 5 {
		return nil, ErrShort
	}
	sig, parts := rest[0], rest[1:5]
	if c.key != nil {
		want := c.sign(parts)
		if !hmac.Equal(want, bytes.ToLower(sig)) {
			return nil, ErrBadSignature
		}
	}
	m := &Message{
		Identities: frames[:delim:delim],
		Parent:     json.RawMessage(parts[1]),
		Content:    json.RawMessage(parts[3]),
		Buffers:    rest[5:],
		rawHeader:  json.RawMessage(parts[0]),
	}
	if err := json.Unmarshal(parts[0], &m.Header); err != nil {
		return nil, fmt.Errorf("wire: decode header: %w", err)
	}
	if m.Header.MsgType == "" {
		return nil, errors.New("wire: decode header: no msg_type")
	}
	if len(parts[2]) > 0 {
		if err := json.Unmarshal(parts[2], &m.Metadata); err != nil {
			return nil, fmt.Errorf("wire: decode metadata: %w", err)
		}
	}
	if !json.Valid(m.Parent) {
		return nil, errors.New("wire: decode parent header: invalid JSON")
	}
	if !json.Valid(m.Content) {
		return nil, errors.New("wire: decode content: invalid JSON")
	}
	if c.key != nil && !c.remember(sig) {
		return nil, ErrReplay
	}
	return m, nil
}

// remember records sig, a verified hex HMAC-SHA256 signature, and reports
// whether it was new.
func (c *Codec) remember(sig []byte) bool {
	var d [sha256.Size]byte
	if n, err := hex.Decode(d[:], sig); err != nil || n != len(d) {
		return false // cannot happen after verification; refuse rather than guess
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.seen[d]; ok {
		return false
	}
	if len(c.ring) < c.window {
		c.ring = append(c.ring, d)
	} else {
		delete(c.seen, c.ring[c.next])
		c.ring[c.next] = d
		c.next = (c.next + 1) % len(c.ring)
	}
	c.seen[d] = struct{}{}
	return true
}

// Reply returns a new message of type t answering parent: same session and
// routing identities, parent header set to parent's header.
func Reply(parent *Message, t MsgType) *Message {
	return &Message{
		Identities: parent.Identities,
		Header:     NewHeader(t, parent.Header.Session),
		Parent:     parent.HeaderJSON(),
	}
}

// HeaderJSON returns m's header as JSON: the frame as received for a
// decoded message, so that unknown fields survive into replies.
func (m *Message) HeaderJSON() json.RawMessage {
	if len(m.rawHeader) > 0 {
		return m.rawHeader
	}
	b, err := json.Marshal(&m.Header)
	if err != nil {
		return json.RawMessage("{}")
	}
	return b
}
