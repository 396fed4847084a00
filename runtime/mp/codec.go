package mp

import (
	"encoding/binary"
	"errors"
)

// A parent and its child exchange specs and reports in this small binary
// format rather than with encoding/gob: gob builds its encoder and decoder
// for a type, by reflection, the first time a process uses it, and every
// child is a new process. Both sides are the same program. Strings and
// byte slices are a uvarint length and the bytes; integers are varints;
// booleans one byte. Argument values and the notebook variables a child
// starts with are copied values (copy.go).

var errShortMessage = errors.New("truncated message")

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }

func (e *encoder) fixed64(v uint64) { e.b = binary.LittleEndian.AppendUint64(e.b, v) }

func (e *encoder) string(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) bytes(b []byte) {
	e.uint(uint64(len(b)))
	e.b = append(e.b, b...)
}

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// decoder reads what an encoder wrote; after the first error every read
// returns a zero value and err keeps that error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errShortMessage
	}
	d.b = nil
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) fixed64() uint64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

// len reads a length, which the rest of the message must hold.
func (d *decoder) len() int {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) string() string {
	n := d.len()
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) bytes() []byte {
	n := d.len()
	if n == 0 {
		return nil
	}
	b := append([]byte(nil), d.b[:n]...)
	d.b = d.b[n:]
	return b
}

// view returns the next n bytes, without copying them, or nil (and the
// decoder fails) when fewer are left.
func (d *decoder) view(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}

func (d *decoder) bool() bool {
	if len(d.b) == 0 {
		d.fail()
		return false
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v != 0
}

// done returns the error of a message that was read whole, or an error if
// bytes are left over.
func (d *decoder) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = errors.New("trailing bytes in message")
	}
	return d.err
}

func (s *spec) marshal() []byte {
	var e encoder
	t := &s.Target
	e.string(t.Name)
	e.string(t.Builtin)
	e.bool(t.Lookup)
	e.int(t.PCOff)
	e.int(t.TypeOff)
	e.string(t.Type)
	e.string(t.Exe)
	e.string(s.Name)
	e.bool(s.Daemon)
	e.uint(uint64(len(s.Args)))
	for _, a := range s.Args {
		e.bytes(a.Data)
	}
	e.uint(uint64(len(s.Shares)))
	for _, sh := range s.Shares {
		e.string(sh.Kind)
		e.bytes(sh.Meta)
		e.uint(uint64(sh.NFiles))
	}
	e.bytes(s.Globals)
	e.uint(uint64(len(s.Notes)))
	for _, n := range s.Notes {
		e.string(n)
	}
	e.bool(s.Bulk)
	return e.b
}

func (s *spec) unmarshal(b []byte) error {
	d := decoder{b: b}
	t := &s.Target
	t.Name = d.string()
	t.Builtin = d.string()
	t.Lookup = d.bool()
	t.PCOff = d.int()
	t.TypeOff = d.int()
	t.Type = d.string()
	t.Exe = d.string()
	s.Name = d.string()
	s.Daemon = d.bool()
	n := d.len() // each argument takes at least a byte
	s.Args = nil
	for i := 0; i < n && d.err == nil; i++ {
		s.Args = append(s.Args, argSpec{Data: d.bytes()})
	}
	n = d.len()
	s.Shares = nil
	for i := 0; i < n && d.err == nil; i++ {
		sh := shareSpec{Kind: d.string(), Meta: d.bytes()}
		nf := d.uint()
		if nf > maxFiles {
			d.fail()
		}
		sh.NFiles = int(nf)
		s.Shares = append(s.Shares, sh)
	}
	s.Globals = d.bytes()
	n = d.len()
	s.Notes = nil
	for i := 0; i < n && d.err == nil; i++ {
		s.Notes = append(s.Notes, d.string())
	}
	s.Bulk = d.bool()
	return d.done()
}

func (r *report) marshal() []byte {
	var e encoder
	e.string(r.Kind)
	e.string(r.Msg)
	return e.b
}

func (r *report) unmarshal(b []byte) error {
	d := decoder{b: b}
	r.Kind = d.string()
	r.Msg = d.string()
	return d.done()
}
