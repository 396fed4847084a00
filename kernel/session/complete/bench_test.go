package complete

import "testing"

// Completion and inspection run on every Tab and Shift-Tab: they should
// stay far below the ~100 ms a user notices.

func BenchmarkCompletePackageMember(b *testing.B) {
	code, cursor := cursorIn("x := 1\nfmt.Pri|")
	for b.Loop() {
		Complete(code, cursor, notebook)
	}
}

func BenchmarkCompleteIdentifier(b *testing.B) {
	code, cursor := cursorIn("total := 1\nto|")
	for b.Loop() {
		Complete(code, cursor, notebook)
	}
}

func BenchmarkCompleteVariableMember(b *testing.B) {
	code, cursor := cursorIn("p1 := mp.NewProcess(add, 1)\np1.St|")
	for b.Loop() {
		Complete(code, cursor, notebook)
	}
}

// BenchmarkInspectStd measures Shift-Tab on a standard library function
// once its package's documentation is cached.
func BenchmarkInspectStd(b *testing.B) {
	code, cursor := cursorIn("fmt.Print|ln(x)")
	Inspect(code, cursor, 0, notebook)
	for b.Loop() {
		Inspect(code, cursor, 0, notebook)
	}
}

// BenchmarkStdDocsParse measures the first Shift-Tab on a package: parsing
// its source from GOROOT (net/http, a large package).
func BenchmarkStdDocsParse(b *testing.B) {
	for b.Loop() {
		stdMu.Lock()
		delete(stdDocs, "net/http")
		stdMu.Unlock()
		if docsOf("net/http") == nil {
			b.Fatal("no docs for net/http")
		}
	}
}
