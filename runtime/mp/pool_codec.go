package mp

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"reflect"
)

// A Pool and each of its workers talk over a socket of their own, in
// messages of this file's format (built with codec.go's encoder and
// decoder). The values of a chunk of tasks travel as columns: one column a
// parameter, holding that argument of every task of the chunk, and results
// come back as one column too. Integers, floats, booleans, strings and
// byte slices are written directly, without reflection per value beyond
// reading it; other types go through encoding/gob over a stream kept for
// the life of the worker, so a type's description crosses once per worker,
// not once per task; values whose static type is an interface are encoded
// one by one with their own type (encodeItem, as Queue does).

// Messages from the pool to a worker.
const (
	poolMsgFunc   = 'f' // a function the next chunks call: id, targetRef, type
	poolMsgReset  = 'x' // start a new stream of results
	poolMsgChunk  = 'c' // tasks: the length, then job, start, function id, count, columns
	poolMsgRevoke = 'k' // give back a chunk not yet started: job, start
	poolMsgStop   = 's' // the worker exits
)

// Messages from a worker to the pool.
const (
	poolMsgResults = 'r' // results of tasks: the length, then job, start, count, flags, busy ns, errors, column
	poolMsgRevoked = 'v' // a chunk given back, not run: job, start
)

// Flags of a results message.
const (
	poolFlagResetStream = 1 << iota // the worker lost its gob stream: start a new one
)

// Column tags.
const (
	colInt     = 1 + iota // varint per value (signed integer kinds)
	colUint               // uvarint per value (unsigned integer kinds)
	colFloat64            // 8 bytes per value, little endian
	colFloat32            // 4 bytes per value
	colBool               // 1 byte per value
	colString             // uvarint length and bytes per value
	colBytes              // the same, for []byte
	colGob                // a fresh-stream byte, then the gob encoding of the whole column
	colItems              // per value: 0 for nil, or 1 and encodeItem's bytes
	colNone               // no values: the function has no result
)

var errStreamLost = errors.New("mp: pool: the worker's value stream was lost")

// A gobOut is the sending end of a gob stream: the first value of a type
// carries the type's description, later ones refer to it.
type gobOut struct {
	enc *gob.Encoder
	buf bytes.Buffer
}

// encode encodes v and reports whether the stream starts anew with it (the
// decoder must then start anew too). After an error the next encode starts
// a new stream: the encoder may have counted a description as sent that
// never was.
func (g *gobOut) encode(v reflect.Value) (data []byte, fresh bool, err error) {
	if g.enc == nil {
		g.enc = gob.NewEncoder(&g.buf)
		fresh = true
	}
	g.buf.Reset()
	if err := g.enc.EncodeValue(v); err != nil {
		g.enc = nil
		return nil, false, err
	}
	return g.buf.Bytes(), fresh, nil
}

// reset makes the next encode start a new stream.
func (g *gobOut) reset() { g.enc = nil }

// A gobIn is the receiving end of a gob stream.
type gobIn struct {
	dec    *gob.Decoder
	buf    bytes.Buffer // a ByteReader: gob reads it without buffering ahead
	broken bool         // a value could not be decoded: wait for a new stream
}

// decode decodes data, one value of the stream, into the value p points to.
func (g *gobIn) decode(data []byte, fresh bool, p reflect.Value) error {
	if fresh {
		g.buf.Reset()
		g.dec = gob.NewDecoder(&g.buf)
		g.broken = false
	}
	if g.dec == nil {
		g.broken = true
		return errStreamLost
	}
	g.buf.Reset()
	g.buf.Write(data)
	if err := g.dec.DecodeValue(p); err != nil {
		g.drop()
		return err
	}
	if g.buf.Len() != 0 {
		g.drop()
		return errors.New("mp: pool: trailing bytes in a value")
	}
	return nil
}

// drop forgets the stream, which is out of step with its sender.
func (g *gobIn) drop() { g.dec, g.broken = nil, true }

// lost reports whether the stream must start anew before it can decode.
func (g *gobIn) lost() bool { return g.broken }

var (
	intType  = reflect.TypeOf(0)
	byteType = reflect.TypeOf(byte(0))
)

// colTag returns the tag of columns of element type t.
func colTag(t reflect.Type) byte {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return colInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return colUint
	case reflect.Float64:
		return colFloat64
	case reflect.Float32:
		return colFloat32
	case reflect.Bool:
		return colBool
	case reflect.String:
		return colString
	case reflect.Interface:
		return colItems
	case reflect.Slice:
		if t.Elem() == byteType {
			return colBytes
		}
	}
	return colGob
}

// encodeColumn appends col, a slice, to e.
func encodeColumn(e *encoder, col reflect.Value, g *gobOut) error {
	n := col.Len()
	tag := colTag(col.Type().Elem())
	e.b = append(e.b, tag)
	switch tag {
	case colInt:
		if xs, ok := col.Interface().([]int); ok {
			for _, x := range xs {
				e.int(int64(x))
			}
			return nil
		}
		for i := 0; i < n; i++ {
			e.int(col.Index(i).Int())
		}
	case colUint:
		for i := 0; i < n; i++ {
			e.uint(col.Index(i).Uint())
		}
	case colFloat64:
		if xs, ok := col.Interface().([]float64); ok {
			for _, x := range xs {
				e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(x))
			}
			return nil
		}
		for i := 0; i < n; i++ {
			e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(col.Index(i).Float()))
		}
	case colFloat32:
		for i := 0; i < n; i++ {
			e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(float32(col.Index(i).Float())))
		}
	case colBool:
		for i := 0; i < n; i++ {
			e.bool(col.Index(i).Bool())
		}
	case colString:
		if xs, ok := col.Interface().([]string); ok {
			for _, x := range xs {
				e.string(x)
			}
			return nil
		}
		for i := 0; i < n; i++ {
			e.string(col.Index(i).String())
		}
	case colBytes:
		for i := 0; i < n; i++ {
			e.bytes(col.Index(i).Bytes())
		}
	case colItems:
		for i := 0; i < n; i++ {
			v := col.Index(i)
			if v.IsNil() {
				e.b = append(e.b, 0)
				continue
			}
			data, err := encodeItem(v.Interface())
			if err != nil {
				return fmt.Errorf("value %d: %w", i, err)
			}
			e.b = append(e.b, 1)
			e.bytes(data)
		}
	case colGob:
		data, fresh, err := g.encode(col)
		if err != nil {
			return err
		}
		e.bool(fresh)
		e.bytes(data)
	}
	return nil
}

// encodeNone appends an empty column: the results of a function without
// results.
func encodeNone(e *encoder) { e.b = append(e.b, colNone) }

// decodeColumn reads a column of n values into a new []t.
func decodeColumn(d *decoder, t reflect.Type, n int, g *gobIn) (reflect.Value, error) {
	if len(d.b) == 0 {
		d.fail()
		return reflect.Value{}, d.err
	}
	tag := d.b[0]
	d.b = d.b[1:]
	if tag == colNone {
		return reflect.Value{}, nil
	}
	if want := colTag(t); tag != want {
		return reflect.Value{}, fmt.Errorf("mp: pool: values of type %s expected, but the other side sent another kind (was the function redeclared with other types since the pool started? make a new Pool)", t)
	}
	col := reflect.MakeSlice(reflect.SliceOf(t), n, n)
	switch tag {
	case colInt:
		if t == intType {
			xs := col.Interface().([]int)
			for i := range xs {
				xs[i] = int(d.int())
			}
			break
		}
		for i := 0; i < n; i++ {
			x := d.int()
			v := col.Index(i)
			if v.OverflowInt(x) {
				return reflect.Value{}, fmt.Errorf("mp: pool: %d does not fit in a %s", x, t)
			}
			v.SetInt(x)
		}
	case colUint:
		for i := 0; i < n; i++ {
			x := d.uint()
			v := col.Index(i)
			if v.OverflowUint(x) {
				return reflect.Value{}, fmt.Errorf("mp: pool: %d does not fit in a %s", x, t)
			}
			v.SetUint(x)
		}
	case colFloat64:
		if len(d.b) < 8*n {
			d.fail()
			break
		}
		for i := 0; i < n; i++ {
			col.Index(i).SetFloat(math.Float64frombits(binary.LittleEndian.Uint64(d.b[8*i:])))
		}
		d.b = d.b[8*n:]
	case colFloat32:
		if len(d.b) < 4*n {
			d.fail()
			break
		}
		for i := 0; i < n; i++ {
			col.Index(i).SetFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(d.b[4*i:]))))
		}
		d.b = d.b[4*n:]
	case colBool:
		for i := 0; i < n; i++ {
			col.Index(i).SetBool(d.bool())
		}
	case colString:
		if xs, ok := col.Interface().([]string); ok {
			for i := range xs {
				xs[i] = d.string()
			}
			break
		}
		for i := 0; i < n; i++ {
			col.Index(i).SetString(d.string())
		}
	case colBytes:
		for i := 0; i < n; i++ {
			b := d.bytes()
			if b == nil {
				b = []byte{}
			}
			col.Index(i).Set(reflect.ValueOf(b).Convert(t))
		}
	case colItems:
		for i := 0; i < n && d.err == nil; i++ {
			if !d.bool() {
				continue // nil
			}
			x, err := decodeItem(d.bytes())
			if err != nil {
				return reflect.Value{}, err
			}
			xv := reflect.ValueOf(x)
			if !xv.Type().AssignableTo(t) {
				return reflect.Value{}, fmt.Errorf("mp: pool: a %s is not a %s", xv.Type(), t)
			}
			col.Index(i).Set(xv)
		}
	case colGob:
		fresh := d.bool()
		data := d.bytes()
		if d.err != nil {
			break
		}
		p := reflect.New(col.Type())
		if err := g.decode(data, fresh, p); err != nil {
			return reflect.Value{}, fmt.Errorf("mp: pool: decode %s values: %w", t, err)
		}
		if p.Elem().Len() != n {
			return reflect.Value{}, fmt.Errorf("mp: pool: %d values of type %s expected, got %d", n, t, p.Elem().Len())
		}
		col = p.Elem()
	default:
		return reflect.Value{}, fmt.Errorf("mp: pool: unknown column tag %d", tag)
	}
	if d.err != nil {
		return reflect.Value{}, d.err
	}
	return col, nil
}

// encodeRef appends the name of a function for a worker.
func encodeRef(e *encoder, r targetRef) {
	e.string(r.Name)
	e.string(r.Builtin)
	e.bool(r.Lookup)
	e.int(r.PCOff)
	e.int(r.TypeOff)
	e.string(r.Type)
	e.string(r.Exe)
}

// decodeRef reads what encodeRef wrote.
func decodeRef(d *decoder) targetRef {
	var r targetRef
	r.Name = d.string()
	r.Builtin = d.string()
	r.Lookup = d.bool()
	r.PCOff = d.int()
	r.TypeOff = d.int()
	r.Type = d.string()
	r.Exe = d.string()
	return r
}
