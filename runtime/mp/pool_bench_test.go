package mp_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

func identity(x int) int { return x }

// burn is a CPU-bound task: about n iterations of a loop.
func burn(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i % 7
	}
	return s
}

// BenchmarkPoolMap measures Pool.Map of trivial tasks on a warm pool of two
// workers, like Python's pool.map(f, range(n)) (bench_python.py's
// pool_map_us): one op is one Map; us/task is the time a task.
func BenchmarkPoolMap(b *testing.B) {
	for _, n := range []int{64, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			pool := mp.NewPool(2)
			defer pool.Close()
			items := make([]int, n)
			for i := range items {
				items[i] = i
			}
			if _, err := pool.Map(identity, items); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				res, err := pool.Map(identity, items)
				if err != nil || len(res) != n || res[n-1] != n-1 {
					b.Fatal(res, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "us/task")
		})
	}
}

// BenchmarkPoolApplyAsync measures ApplyAsync of a trivial task, 100 at a
// time, as Python's apply_async in a loop then get.
func BenchmarkPoolApplyAsync(b *testing.B) {
	pool := mp.NewPool(2)
	defer pool.Close()
	if _, err := pool.Apply(identity, 1); err != nil {
		b.Fatal(err)
	}
	rs := make([]*mp.AsyncResult, 100)
	b.ResetTimer()
	for range b.N {
		for i := range rs {
			rs[i] = pool.ApplyAsync(identity, i)
		}
		for i, r := range rs {
			if v, err := r.Get(); err != nil || v != i {
				b.Fatal(v, err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(rs)), "us/task")
}

// BenchmarkPoolWarm measures a pool of 16 from NewPool until a Map of 16
// trivial tasks has returned, then Close (not timed), like Python's
// Pool(16) and map (pool_warm16_ms).
func BenchmarkPoolWarm(b *testing.B) {
	items := make([]int, 16)
	for i := range items {
		items[i] = i
	}
	for range b.N {
		pool := mp.NewPool(16)
		if _, err := pool.Map(identity, items); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		pool.Close()
		b.StartTimer()
	}
}

func nap(ms int) int {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return ms
}

// BenchmarkPoolWarmAll measures a pool of 16 from NewPool until a Map of 16
// tasks of 100 ms has returned, less the 100 ms: until every worker was up
// and ran a task (a Map of trivial tasks may return before all are up).
// Python: pool_warm16_all_ms.
func BenchmarkPoolWarmAll(b *testing.B) {
	items := make([]int, 16)
	for i := range items {
		items[i] = 100
	}
	var total time.Duration
	for range b.N {
		t0 := time.Now()
		pool := mp.NewPool(16)
		if _, err := pool.Map(nap, items); err != nil {
			b.Fatal(err)
		}
		total += time.Since(t0) - 100*time.Millisecond
		pool.Close()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "warm-ms")
}

var burnSink int

// BenchmarkPoolScale measures the throughput of a CPU-bound function
// through Map with 1 to NumCPU workers (each task ~5 ms on one core);
// tasks/s is what to compare, x1 the ratio to one worker's.
func BenchmarkPoolScale(b *testing.B) {
	// Calibrate the task to about 5 ms.
	n := 1 << 20
	for {
		t0 := time.Now()
		burnSink += burn(n)
		if d := time.Since(t0); d > 2*time.Millisecond {
			n = int(float64(n) * 5e6 / float64(d))
			break
		}
		n *= 2
	}
	var one float64
	for w := 1; w <= runtime.NumCPU(); w++ {
		b.Run(fmt.Sprint(w), func(b *testing.B) {
			pool := mp.NewPool(w)
			defer pool.Close()
			items := make([]int, 8*w)
			for i := range items {
				items[i] = n
			}
			if _, err := pool.Map(burn, items[:w]); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := pool.Map(burn, items); err != nil {
					b.Fatal(err)
				}
			}
			rate := float64(b.N*len(items)) / b.Elapsed().Seconds()
			if w == 1 {
				one = rate
			}
			b.ReportMetric(rate, "tasks/s")
			if one > 0 {
				b.ReportMetric(rate/one, "x1")
			}
		})
	}
}
