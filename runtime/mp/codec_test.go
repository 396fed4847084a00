package mp

import (
	"reflect"
	"testing"
)

func testSpec() spec {
	return spec{
		Target:  targetRef{Name: "main.add", Builtin: "", Lookup: true, PCOff: -12345, TypeOff: 1 << 40, Type: "func(int)", Exe: "exe-id"},
		Name:    "Process-2",
		Daemon:  true,
		Args:    []argSpec{{Data: []byte{1, 2, 3}}, {Data: []byte("copied")}},
		Shares:  []shareSpec{{Kind: "mp.Lock", Meta: []byte{9}, NFiles: 1}, {Kind: "mp.Queue", Meta: []byte{3, 0, 0, 0, 0, 0, 0, 0}, NFiles: 3}},
		Globals: []byte{2, 1, 'x', 1, 'y'},
		Notes:   []string{"mp: ch (a chan int) is not copied"},
		Bulk:    true,
	}
}

func TestSpecRoundTrip(t *testing.T) {
	for _, s := range []spec{testSpec(), {}} {
		b := s.marshal()
		var got spec
		if err := got.unmarshal(b); err != nil {
			t.Fatalf("unmarshal: %v", err)
		}
		if !reflect.DeepEqual(got, s) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, s)
		}
	}
	r := report{Kind: reportPanic, Msg: "index out of range [5] with length 3"}
	var got report
	if err := got.unmarshal(r.marshal()); err != nil || got != r {
		t.Errorf("report round trip: %+v, %v", got, err)
	}
}

// Every cut short or padded message is an error, never a panic or a
// half-filled spec taken as whole.
func TestSpecTruncated(t *testing.T) {
	s := testSpec()
	b := s.marshal()
	for n := 0; n < len(b); n++ {
		var got spec
		if err := got.unmarshal(b[:n]); err == nil {
			t.Errorf("unmarshal of the first %d of %d bytes: no error", n, len(b))
		}
	}
	var got spec
	if err := got.unmarshal(append(b, 0)); err == nil {
		t.Error("unmarshal with a trailing byte: no error")
	}
	var r report
	if err := r.unmarshal([]byte{200}); err == nil {
		t.Error("report of a length past its end: no error")
	}
}

func FuzzSpecUnmarshal(f *testing.F) {
	s := testSpec()
	f.Add(s.marshal())
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s spec
		if s.unmarshal(b) != nil {
			return
		}
		var again spec
		if err := again.unmarshal(s.marshal()); err != nil || !reflect.DeepEqual(again, s) {
			t.Fatalf("re-marshalled spec differs: %+v / %+v (%v)", again, s, err)
		}
	})
}
