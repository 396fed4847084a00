package kernel_test

import (
	"context"
	"log"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest/zmqtest"
	"github.com/gopherlab/gopherlab/kernel/session"
	"github.com/gopherlab/gopherlab/kernel/worker"
)

// Benchmarks of the kernel binary through its sockets, with the Go client
// of kernel_test.go (no Python in the loop). Compare with ipykernel with
// testdata/bench_kernels.py.

func benchKernel(b *testing.B) *zmqtest.Client {
	if testing.Short() {
		b.Skip("starts the kernel binary; skipped under -short")
	}
	var conn kernel.ConnectionInfo
	if os.Getenv("GOPHERLAB_BENCH_INPROCESS") != "" {
		conn = startInProcess(b)
	} else {
		conn = startKernel(b, "tcp").Conn
	}
	c := zmqtest.NewClient(b, conn)
	c.MustExecute(`import "fmt"`)
	return c
}

// BenchmarkExecuteEmpty measures an empty cell from execute_request to
// idle: the kernel's own protocol cost.
func BenchmarkExecuteEmpty(b *testing.B) {
	c := benchKernel(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.MustExecute("")
	}
}

// BenchmarkExecuteTrivial measures `a := 1` from execute_request to idle.
func BenchmarkExecuteTrivial(b *testing.B) {
	c := benchKernel(b)
	for range 20 {
		c.MustExecute("a := 1")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.MustExecute("a := 1")
	}
}

// BenchmarkPrint100kLines measures a cell printing 100,000 lines, and
// checks that every line arrives.
func BenchmarkPrint100kLines(b *testing.B) {
	c := benchKernel(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		msgs := c.MustExecute("for i := 0; i < 100000; i++ { fmt.Println(i) }")
		if text, _ := zmqtest.Stream(msgs, "stdout"); strings.Count(text, "\n") != 100000 {
			b.Fatalf("got %d lines", strings.Count(text, "\n"))
		}
	}
}

// BenchmarkPrintOnce600KB measures one fmt.Print of 600 KB: output
// transport without interpretation cost.
func BenchmarkPrintOnce600KB(b *testing.B) {
	c := benchKernel(b)
	c.MustExecute(`import "strings"`)
	c.MustExecute(`s := strings.Repeat("12345\n", 100000)`)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		msgs := c.MustExecute("fmt.Print(s)")
		if text, _ := zmqtest.Stream(msgs, "stdout"); len(text) != 600000 {
			b.Fatalf("got %d bytes", len(text))
		}
	}
	b.ReportMetric(float64(600000*b.N)/time.Since(start).Seconds()/1e6, "MB/s")
}

// startInProcess serves a kernel in this process, for profiling the server
// with go test -cpuprofile (set GOPHERLAB_BENCH_INPROCESS=1, or =procs to
// enable processes from cells as the kernel command does).
func startInProcess(b *testing.B) kernel.ConnectionInfo {
	conn, _ := zmqtest.WriteConn(b, b.TempDir(), "tcp")
	sess, err := session.New(session.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if os.Getenv("GOPHERLAB_BENCH_INPROCESS") == "procs" {
		if _, err := sess.EnableProcesses(worker.SelfCommand); err != nil {
			b.Fatal(err)
		}
	}
	lg := &kerneltest.SyncBuffer{}
	srv, err := kernel.New(conn, sess, kernel.Options{Log: log.New(lg, "gopherlab: ", 0)})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	return conn
}
