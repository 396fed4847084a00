package kernel_test

import (
	"context"
	"log"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/session"
	"github.com/gopherlab/gopherlab/kernel/wire"
	"github.com/gopherlab/gopherlab/kernel/worker"
)

// Benchmarks of the kernel binary through its sockets, with the Go client
// of kernel_test.go (no Python in the loop). Compare with ipykernel with
// testdata/bench_kernels.py.

func benchKernel(b *testing.B) *client {
	if testing.Short() {
		b.Skip("starts the kernel binary; skipped under -short")
	}
	var p *proc
	if os.Getenv("GOPHERLAB_BENCH_INPROCESS") != "" {
		p = startInProcess(b)
	} else {
		p = startKernel(b, "tcp")
	}
	c := newClient(b, p)
	c.mustExecute(`import "fmt"`)
	return c
}

// BenchmarkExecuteEmpty measures an empty cell from execute_request to
// idle: the kernel's own protocol cost.
func BenchmarkExecuteEmpty(b *testing.B) {
	c := benchKernel(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.mustExecute("")
	}
}

// BenchmarkExecuteTrivial measures `a := 1` from execute_request to idle.
func BenchmarkExecuteTrivial(b *testing.B) {
	c := benchKernel(b)
	for range 20 {
		c.mustExecute("a := 1")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.mustExecute("a := 1")
	}
}

// BenchmarkPrint100kLines measures a cell printing 100,000 lines, and
// checks that every line arrives.
func BenchmarkPrint100kLines(b *testing.B) {
	c := benchKernel(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		msgs := c.mustExecute("for i := 0; i < 100000; i++ { fmt.Println(i) }")
		if text, _ := stdout(msgs, "stdout"); strings.Count(text, "\n") != 100000 {
			b.Fatalf("got %d lines", strings.Count(text, "\n"))
		}
	}
}

// BenchmarkPrintOnce600KB measures one fmt.Print of 600 KB: output
// transport without interpretation cost.
func BenchmarkPrintOnce600KB(b *testing.B) {
	c := benchKernel(b)
	c.mustExecute(`import "strings"`)
	c.mustExecute(`s := strings.Repeat("12345\n", 100000)`)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		msgs := c.mustExecute("fmt.Print(s)")
		if text, _ := stdout(msgs, "stdout"); len(text) != 600000 {
			b.Fatalf("got %d bytes", len(text))
		}
	}
	b.ReportMetric(float64(600000*b.N)/time.Since(start).Seconds()/1e6, "MB/s")
}

// startInProcess serves a kernel in this process, for profiling the server
// with go test -cpuprofile (set GOPHERLAB_BENCH_INPROCESS=1, or =procs to
// enable processes from cells as the kernel command does).
func startInProcess(b *testing.B) *proc {
	conn := kernel.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", Key: wire.NewID(), SignatureScheme: "hmac-sha256"}
	var ports [5]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		ports[i] = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	conn.ShellPort, conn.IOPubPort, conn.StdinPort, conn.ControlPort, conn.HBPort = ports[0], ports[1], ports[2], ports[3], ports[4]
	sess, err := session.New(session.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if os.Getenv("GOPHERLAB_BENCH_INPROCESS") == "procs" {
		if _, err := sess.EnableProcesses(worker.SelfCommand); err != nil {
			b.Fatal(err)
		}
	}
	lg := &syncBuffer{}
	srv, err := kernel.New(conn, sess, kernel.Options{Log: log.New(lg, "gopherlab: ", 0)})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	return &proc{log: lg, conn: conn, done: done}
}
