package fmtshim

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"
)

type stringer struct{ s string }

func (s stringer) String() string { return "S(" + s.s + ")" }

type goStringer int

func (g goStringer) GoString() string { return "G!" }

type formatter struct{}

func (formatter) Format(f fmt.State, verb rune) {
	w, wok := f.Width()
	p, pok := f.Precision()
	fmt.Fprintf(f, "F[%c %d %t %d %t %t%t%t%t%t]", verb, w, wok, p, pok, f.Flag('+'), f.Flag('-'), f.Flag('#'), f.Flag(' '), f.Flag('0'))
}

type panicker struct{}

func (panicker) String() string { panic("boom") }

type inner struct {
	A int
	b string
	T time.Duration
	t time.Duration
	E error
	S fmt.Stringer
	p *int
}

// TestPrinterMatchesFmt checks the printer against package fmt itself for
// values of compiled types, which the printer walks (they are in []any)
// where fmt would: every directive must print the same.
func TestPrinterMatchesFmt(t *testing.T) {
	n := 7
	values := []any{
		nil, 0, -12, uint8(200), 3.25, math.Inf(1), float32(1.5), complex(1, -2), true, "héllo\n", []byte("ab"),
		[]int{1, 2}, [2]string{"a", "b"}, map[string]int{"b": 2, "a": 1}, map[int]bool{3: true, 1: false},
		&n, (*int)(nil), []*int{nil}, struct{}{}, errors.New("an error"), fmt.Errorf("wrapped: %w", io.EOF),
		stringer{"x"}, &stringer{"y"}, []stringer{{"z"}}, goStringer(3), formatter{}, panicker{}, []any{panicker{}},
		time.Second, inner{1, "b", time.Second, time.Second, io.EOF, stringer{"s"}, nil},
		&inner{A: 2}, []inner{{A: 3}}, map[string]any{"k": []any{1, "two", nil}}, [][]byte{[]byte("x")},
	}
	directives := []string{"%v", "%+v", "%#v", "%T", "%d", "%s", "%q", "%x", "%X", "%6v", "%-6v|", "%06d", "%.2f",
		"%8.3v", "%+q", "%#x", "% x", "%t", "%c", "%U", "%e", "%b", "%o", "%p", "%w", "%!", "%[2]v %[1]v", "%*d", "%-*d|", "%.*f"}
	r := NewRegistry()
	for _, v := range values {
		for _, d := range directives {
			args := []any{v, v, v}
			want := fmt.Sprintf(d, args...)
			p := newPrinter(r)
			// Through the printer's own walk: v inside a []any at depth
			// one, and v as an argument whose type the printer must look at.
			p.doPrintf(d, []any{typed{v, ""}, typed{v, ""}, typed{v, ""}})
			got := string(p.buf)
			p.free()
			if got != want {
				t.Errorf("Sprintf(%q, %#v): printer %q, fmt %q", d, v, got, want)
			}
			sl := []any{v}
			wantSlice := fmt.Sprintf(d, sl, sl, sl)
			p = newPrinter(r)
			p.doPrintf(d, []any{typed{sl, ""}, typed{sl, ""}, typed{sl, ""}})
			got = string(p.buf)
			p.free()
			// Inside %!q(...) fmt prints the value with %v and the +
			// flag but not %+v's field names, which no directive given
			// to fmt asks for.
			if got != wantSlice && !(strings.Contains(d, "+") && strings.Contains(wantSlice, "%!")) {
				t.Errorf("Sprintf(%q, []any{%#v}): printer %q, fmt %q", d, v, got, wantSlice)
			}
		}
	}
}

func TestPrintSpacing(t *testing.T) {
	r := NewRegistry()
	for _, a := range [][]any{{1, 2}, {"a", 1, "b"}, {1, "a", 2}, {nil, nil}, {stringer{"x"}, 3}, {[]any{1}, "s", 2.5}} {
		tagged := make([]any, len(a))
		for i, x := range a {
			tagged[i] = typed{x, ""}
		}
		p := newPrinter(r)
		p.doPrint(tagged)
		if got, want := string(p.buf), fmt.Sprint(a...); got != want {
			t.Errorf("Sprint%v: printer %q, fmt %q", a, got, want)
		}
		p.buf = p.buf[:0]
		p.doPrintln(tagged)
		if got, want := string(p.buf), fmt.Sprintln(a...); got != want {
			t.Errorf("Sprintln%v: printer %q, fmt %q", a, got, want)
		}
		p.free()
	}
}
