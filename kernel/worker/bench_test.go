package worker_test

import (
	"os/exec"

	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// BenchmarkStart measures the time from Process.Start until the target, a
// function declared in a cell, runs in the child (Start returns when the
// child reports it is about to call the target), with a worker kept ready
// ("prestarted", Python's forkserver idea) and without ("cold", a worker
// starts and rebuilds the declarations, as Python's spawn). The python-*
// sub-benchmarks measure the same for Python's start methods in the same
// run (testdata/bench_start.py, /usr/bin/python3); each reports the median
// as ns/op.
//
//	go test -run '^$' -bench Start -benchtime 20x ./kernel/worker/
func BenchmarkStart(b *testing.B) {
	for _, mode := range []string{"prestarted", "cold"} {
		b.Run(mode, func(b *testing.B) {
			nb := newNotebook(b)
			nb.declare(tutorialDecls)
			nb.declare(`func nop() {}`)
			nb.l.SetPrestart(mode == "prestarted")
			fn, err := nb.in.Eval("nop")
			if err != nil {
				b.Fatal(err)
			}
			startOnce := func() time.Duration {
				if mode == "prestarted" {
					nb.l.Prestart() // returns once the worker is ready
				}
				p := mp.NewProcess(fn.Interface())
				t0 := time.Now()
				if err := p.Start(); err != nil {
					b.Fatal(err)
				}
				d := time.Since(t0)
				if err := p.Join(); err != nil {
					b.Fatal(err)
				}
				return d
			}
			startOnce() // the first start marks the launcher used
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				// Only Start is timed; the rest runs with the timer stopped.
				d := startOnce()
				times = append(times, d)
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "ns/op")
			b.ReportMetric(float64(times[0].Nanoseconds()), "min-ns")
		})
	}
	for _, method := range []string{"fork", "forkserver", "spawn"} {
		b.Run("python-"+method, func(b *testing.B) {
			if _, err := exec.LookPath("/usr/bin/python3"); err != nil {
				b.Skip("no /usr/bin/python3")
			}
			out, err := exec.Command("/usr/bin/python3", "testdata/bench_start.py", method, strconv.Itoa(b.N)).Output()
			if err != nil {
				b.Fatalf("bench_start.py %s: %v", method, err)
			}
			f := strings.Fields(string(out))
			if len(f) != 3 {
				b.Fatalf("bench_start.py printed %q", out)
			}
			median, _ := strconv.ParseFloat(f[0], 64)
			min, _ := strconv.ParseFloat(f[2], 64)
			b.ReportMetric(median, "ns/op")
			b.ReportMetric(min, "min-ns")
		})
	}
}

// BenchmarkStartPair times two Starts in a row after the launcher has
// prestarted its workers, as a cell starting two processes that must run
// side by side: the second Start must not wait for a cold worker.
func BenchmarkStartPair(b *testing.B) {
	nb := newNotebook(b)
	nb.declare(tutorialDecls)
	nb.declare(`func nop() {}`)
	fn, err := nb.in.Eval("nop")
	if err != nil {
		b.Fatal(err)
	}
	start := func() *mp.Process {
		p := mp.NewProcess(fn.Interface())
		if err := p.Start(); err != nil {
			b.Fatal(err)
		}
		return p
	}
	start().Join() // the first start marks the launcher used
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		nb.l.Prestart() // returns once the workers are ready
		b.StartTimer()
		p1, p2 := start(), start()
		b.StopTimer()
		p1.Join()
		p2.Join()
	}
}
