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
// element 'i' Array in a child: one op is Start, the negation and Join;
// the metric negate-ms is the loop alone, measured in the child.
func BenchmarkArrayNegate1M(b *testing.B) {
	const n = 1000000
	a := NewArray("i", n)
	ns := NewValue("q", 0)
	var loop time.Duration
	for i := 0; i < b.N; i++ {
		p := NewProcess(negateTimed, a, ns)
		if err := p.Start(); err != nil {
			b.Fatal(err)
		}
		if err := p.Join(); err != nil {
			b.Fatal(err)
		}
		loop += time.Duration(ns.Load())
	}
	b.ReportMetric(float64(loop.Microseconds())/1000/float64(b.N), "negate-ms")
}
