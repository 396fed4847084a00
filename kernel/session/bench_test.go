package session

import (
	"context"
	"testing"
)

// BenchmarkTrivialCell measures a cell "1+1" end to end.
func BenchmarkTrivialCell(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	rec := &recorder{}
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Execute(ctx, "1+1", rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew measures starting a session.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCellWithImports measures a cell "x := 1+1" in a notebook that
// imported fmt and strings.
func BenchmarkCellWithImports(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	rec := &recorder{}
	ctx := context.Background()
	if _, err := s.Execute(ctx, "import (\"fmt\"; \"strings\")\nfunc f() { fmt.Println(strings.Repeat(\"a\", 2)) }", rec); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Execute(ctx, "x := 1+1", rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrintlnInts measures a cell printing 10,000 lines of an int
// and a string with fmt.Println: the printer's fast path, values of
// compiled types straight to fmt.
func BenchmarkPrintlnInts(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	rec := &recorder{}
	ctx := context.Background()
	if _, err := s.Execute(ctx, `import "fmt"`, rec); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rec.stdout.Reset()
		if _, err := s.Execute(ctx, `for i := 0; i < 10000; i++ { fmt.Println(i, "x") }`, rec); err != nil {
			b.Fatal(err)
		}
	}
}
