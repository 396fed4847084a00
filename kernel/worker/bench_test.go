package worker_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/gopherlab/gopherlab/kernel/worker"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

// BenchmarkStart measures the time from Process.Start until the target, a
// function declared in a cell, runs in the child (Start returns when the
// child reports it is about to call the target), with a worker kept ready
// ("prestarted", Python's forkserver idea), without ("cold", a worker
// starts and rebuilds the declarations, as Python's spawn), and right after
// the declarations changed, so that the workers kept ready are stale and
// the spare gets the new ones ("changed"). "globals10" and "slice10MB" are
// "prestarted" with a target that uses ten small variables of the notebook
// (ints, strings, a slice, a map, a struct) or a []float64 of 10 MB, which
// Start copies to the child as they are (issue 13). The workers are `gopherlab
// worker`, built as install.sh builds it (kerneltest.Binary), or
// $GOPHERLAB_BENCH_BIN when set. The
// python-* sub-benchmarks measure the same for Python's start methods in
// the same run (testdata/bench_start.py, /usr/bin/python3), fork also with
// the ten variables and the 10 MB array; each reports
// the median as ns/op. exec-to-main is the part of a cold start that comes
// before the worker's code runs: exec, the Go runtime's start and the
// package inits.
//
//	go test -run '^$' -bench Start -benchtime 20x ./kernel/worker/
func BenchmarkStart(b *testing.B) {
	exe := kerneltest.Binary(b)
	b.Run("exec-to-main", func(b *testing.B) {
		times := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			times = append(times, execToMain(b, exe))
		}
		reportTimes(b, times)
	})
	for _, mode := range []string{"prestarted", "cold", "changed", "globals10", "slice10MB"} {
		b.Run(mode, func(b *testing.B) {
			nb := newNotebookWith(b, func() *exec.Cmd { return exec.Command(exe, "worker") })
			nb.declare(tutorialDecls)
			switch mode {
			case "globals10":
				nb.declare(benchGlobals)
				nb.run(context.Background(), benchGlobalsSet)
				nb.declare(`func nop() { _, _, _, _, _, _, _, _, _, _ = g0, g1, g2, g3, g4, g5, g6, g7, g8, g9 }`)
			case "slice10MB":
				nb.declare("var big []float64")
				nb.run(context.Background(), "big = make([]float64, 10<<20/8)\nfor i := range big { big[i] = float64(i) }")
				nb.declare(`func nop() { _ = big }`)
			default:
				nb.declare(`func nop() {}`)
			}
			nb.l.SetPrestart(mode != "cold")
			fn, err := nb.in.Eval("nop")
			if err != nil {
				b.Fatal(err)
			}
			changes := 0
			startOnce := func() time.Duration {
				switch mode {
				case "prestarted", "globals10", "slice10MB":
					nb.l.Prestart() // returns once the workers are ready
				case "changed":
					nb.l.Prestart()
					changes++
					nb.declare(fmt.Sprintf("func changed%d() {}", changes))
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
			reportTimes(b, times)
		})
	}
	for _, method := range []string{"fork", "forkserver", "spawn", "fork-globals10", "fork-slice10MB"} {
		b.Run("python-"+method, func(b *testing.B) {
			if _, err := exec.LookPath("/usr/bin/python3"); err != nil {
				b.Skip("no /usr/bin/python3")
			}
			m, payload, _ := strings.Cut(method, "-")
			out, err := exec.Command("/usr/bin/python3", "testdata/bench_start.py", m, strconv.Itoa(b.N), payload).Output()
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

// benchGlobals are ten small variables of a notebook, declared as the
// session declares them; benchGlobalsSet gives them values.
const benchGlobals = `type point struct {
	x, y int
	name string
}

var g0, g1, g2 int

var g3, g4 string

var g5 []int

var g6 map[string]int

var g7 point

var g8 float64

var g9 *mp.Lock`

const benchGlobalsSet = `g0, g1, g2 = 1, 2, 3
g3, g4 = "limit", "level"
g5 = []int{1, 2, 3, 4, 5}
g6 = map[string]int{"a": 1, "b": 2}
g7 = point{1, 2, "p"}
g8 = 2.5
g9 = mp.NewLock()`

// reportTimes reports the median of times as ns/op, and their minimum.
func reportTimes(b *testing.B, times []time.Duration) {
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "ns/op")
	b.ReportMetric(float64(times[0].Nanoseconds()), "min-ns")
}

// execToMain starts `exe worker` as the launcher does, but not as an mp
// child, and returns the time until worker.Main runs: it then says on
// stderr that the kernel starts it, and exits.
func execToMain(b *testing.B, exe string) time.Duration {
	cmd := exec.Command(exe, "worker")
	r, w, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	cmd.Stderr = w
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	w.Close()
	buf := make([]byte, 512)
	n, _ := r.Read(buf)
	d := time.Since(t0)
	cmd.Wait()
	if !strings.Contains(string(buf[:n]), "gopherlab worker") {
		b.Fatalf("the worker wrote %q, not its message", buf[:n])
	}
	return d
}

// BenchmarkBuild measures rebuilding the declarations in a worker (in this
// process: a worker does it once, after its start), as prepared by Lower.
func BenchmarkBuild(b *testing.B) {
	for _, bc := range []struct{ name, decls string }{
		{"tutorial", tutorialDecls + "\n\nfunc nop() {}"},
		{"slices", tutorialDecls + "\n\nimport \"slices\"\n\nfunc sorted(x []int) []int { slices.Sort(x); return x }"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			low, err := worker.Lower("package main\n\n" + bc.decls + "\n")
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := worker.Build(low, symbols.Symbols); err != nil {
					b.Fatal(err)
				}
			}
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
