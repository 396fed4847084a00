package fmtshim

import (
	"fmt"
	"io"
	"testing"
)

// The fast path: arguments of compiled types go to fmt unchanged. Compare
// BenchmarkPrintlnPlain with BenchmarkPrintlnFmt (fmt.Fprintln itself).

func BenchmarkPrintlnPlain(b *testing.B) {
	sh := New(io.Discard)
	for i := 0; b.Loop(); i++ {
		sh.fprintln(io.Discard, []any{i, "x"})
	}
}

func BenchmarkPrintlnFmt(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		fmt.Fprintln(io.Discard, i, "x")
	}
}

// BenchmarkPrintfStruct prints a value of a declared struct type (here a
// tagged value whose type the registry knows) with %+v.
func BenchmarkPrintfStruct(b *testing.B) {
	sh := New(io.Discard)
	type point struct{ Xx, Xy int }
	sh.r.declare("point", reflectTypeOf(point{}), "struct{ x, y int }")
	p := point{1, 2}
	for b.Loop() {
		sh.fprintf(io.Discard, "%+v\n", []any{p})
	}
}
