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
