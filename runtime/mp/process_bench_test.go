package mp

import (
	"testing"
	"time"
)

func benchNothing() {}

// waitWarm waits until the pre-started child (forkserver) is ready.
func waitWarm() {
	launcherMu.Lock()
	ch := warming
	launcherMu.Unlock()
	if ch != nil {
		<-ch
	}
}

// BenchmarkProcessStart measures Process.Start, which returns once the
// target is about to run in the child: "spawn" starts the program afresh,
// "forkserver" hands the target to a child started in advance (the time
// between Starts lets the next child get ready, outside the timer).
func BenchmarkProcessStart(b *testing.B) {
	for _, method := range []string{"spawn", "forkserver"} {
		b.Run(method, func(b *testing.B) {
			if err := SetStartMethod(method); err != nil {
				b.Fatal(err)
			}
			defer SetStartMethod("spawn")
			if method == "forkserver" {
				p := NewProcess(benchNothing) // starts the first warm child
				p.Start()
				p.Join()
			}
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				waitWarm()
				p := NewProcess(benchNothing)
				b.StartTimer()
				if err := p.Start(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := p.Join(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// negateTimed is the tutorial's change(arr): it negates every element of a
// and stores in ns how long the loop took.
func negateTimed(a *Array, ns *Value) {
	t0 := time.Now()
	xs := a.Int32s()
	for i := range xs {
		xs[i] = -xs[i]
	}
	ns.Store(int(time.Since(t0)))
}

// BenchmarkArrayNegate1M runs the tutorial's change(arr) on a 1,000,000
// element 'i' Array in a child, with each start method. One op is Start,
// the negation in the child and Join, as Python's p.start(); p.join().
// Beside it: start-ms, Start alone (until the target runs); negate-ms, the
// loop alone, timed in the child; exit-ms, the rest: from the end of the
// loop until Join returns (the child exits and the parent reaps it). A
// first, untimed run warms up.
//
// The loop's own arithmetic takes well under a millisecond; the rest of
// negate-ms is the child's first touch of each of the Array's 1024 pages
// through its new mapping, which on a machine whose hypervisor builds page
// tables lazily (shadow paging) costs microseconds a page:
// BenchmarkFirstTouch4M in runtime/shm measures it.
func BenchmarkArrayNegate1M(b *testing.B) {
	for _, method := range []string{"spawn", "forkserver"} {
		b.Run(method, func(b *testing.B) {
			if err := SetStartMethod(method); err != nil {
				b.Fatal(err)
			}
			defer SetStartMethod("spawn")
			const n = 1000000
			a := NewArray("i", n) // filled like Python's Array('i', range(n))
			for i, xs := 0, a.Int32s(); i < n; i++ {
				xs[i] = int32(i)
			}
			ns := NewValue("q", 0)
			run := func() (start, total time.Duration) {
				waitWarm()
				p := NewProcess(negateTimed, a, ns)
				t0 := time.Now()
				if err := p.Start(); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if err := p.Join(); err != nil {
					b.Fatal(err)
				}
				return t1.Sub(t0), time.Since(t0)
			}
			run()
			var start, total, loop time.Duration
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				waitWarm()
				b.StartTimer()
				s, t := run()
				start += s
				total += t
				loop += time.Duration(ns.Load())
			}
			b.StopTimer()
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
			b.ReportMetric(ms(start), "start-ms")
			b.ReportMetric(ms(loop), "negate-ms")
			b.ReportMetric(ms(total-start-loop), "exit-ms")
			want := n - 1 // negated 1+b.N times
			if b.N%2 == 0 {
				want = -want
			}
			if got := a.Load(n - 1); got != want {
				b.Fatalf("element %d = %d after %d negations, want %d", n-1, got, 1+b.N, want)
			}
		})
	}
}
