package compiler

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/goroot"
	"github.com/gopherlab/gopherlab/kernel/internal/srctree"
)

// BenchmarkReady measures, for declarations a cell just changed, the time
// until their compiled worker is ready: making the program and go build,
// with the go command's build cache warm (the standard library and
// runtime/mp compiled before) — issue 14's "at most 1.5 s" — and, as
// cold-ms, with an empty build cache (once).
//
//	go test -run '^$' -bench Ready -benchtime 5x ./kernel/worker/compiler/
func BenchmarkReady(b *testing.B) {
	goCmd, src := goroot.GoCommand(), srctree.Dir()
	if goCmd == "" || src == "" {
		b.Skip("no go command or source tree")
	}
	build := func(b *testing.B, i int) time.Duration {
		bd, err := NewBuilder(b.TempDir(), src, goCmd, nil)
		if err != nil {
			b.Fatal(err)
		}
		// A new function each time: a program never built before.
		decls := notebook + fmt.Sprintf("\n//line cell[9]:1\nfunc changed%d() int { return %d }\n", i+1, i+1)
		t0 := time.Now()
		r := bd.Request(decls)
		<-r.Done()
		if r.Err != nil {
			b.Fatal(r.Err)
		}
		return time.Since(t0)
	}
	build(b, -1) // warm the build cache
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		total += build(b, i)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "warm-ms")
	b.ReportMetric(0, "ns/op")
	if os.Getenv("GOPHERLAB_BENCH_COLD") != "" {
		b.Setenv("GOCACHE", b.TempDir())
		b.ReportMetric(float64(build(b, 1<<20).Milliseconds()), "cold-ms")
	}
}
