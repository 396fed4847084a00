package mp

import (
	"encoding/binary"
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
// reading it; other types are one item of the package's structural copy
// (copy.go), as Process arguments and Queue items are: the column's shape
// once, then its values, so a type is described once a chunk, not once a
// task.

// Messages from the pool to a worker.
const (
	poolMsgFunc   = 'f' // a function the next chunks call: id, targetRef, type
	poolMsgChunk  = 'c' // tasks: the length, then job, start, function id, count, columns
	poolMsgRevoke = 'k' // give back a chunk not yet started: job, start
	poolMsgStop   = 's' // the worker exits
)

// Messages from a worker to the pool.
const (
	poolMsgResults = 'r' // results of tasks: the length, then job, start, count, flags, busy ns, errors, column
	poolMsgRevoked = 'v' // a chunk given back, not run: job, start
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
	colCopy               // the column as one item of the structural copy (copy.go)
	colNone               // no values: the function has no result
)

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
	case reflect.Slice:
		if t.Elem() == byteType {
			return colBytes
		}
	}
	return colCopy
}

// encodeColumn appends col, a slice, to e. what names its values in
// messages ("items", "results").
func encodeColumn(e *encoder, col reflect.Value, what string) error {
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
	case colCopy:
		w := newValueEncoder(copyItem, currentNamespace())
		if err := w.item(what, col); err != nil {
			return err
		}
		e.bytes(w.e.b)
	}
	return nil
}

// encodeNone appends an empty column: the results of a function without
// results.
func encodeNone(e *encoder) { e.b = append(e.b, colNone) }

// decodeColumn reads a column of n values into a new []t.
func decodeColumn(d *decoder, t reflect.Type, n int, what string) (reflect.Value, error) {
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
	case colCopy:
		data := d.bytes()
		if d.err != nil {
			break
		}
		r := newValueDecoder(data, currentNamespace())
		col = reflect.New(col.Type()).Elem()
		if err := r.item(what, col); err != nil {
			return reflect.Value{}, err
		}
		if err := r.d.done(); err != nil {
			return reflect.Value{}, fmt.Errorf("mp: pool: decode %s: %w", what, err)
		}
		if col.Len() != n {
			return reflect.Value{}, fmt.Errorf("mp: pool: %d %s of type %s expected, got %d", n, what, t, col.Len())
		}
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
