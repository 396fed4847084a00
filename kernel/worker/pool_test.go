package worker_test

import (
	"context"
	"strings"
	"testing"
)

// TestPoolFunctionsAlternate maps two functions declared in cells over one Pool,
// in separate cells, as issue 13 reported: every worker looks both up, and
// no plumbing message ("worker: receive the cell's output: bad file
// descriptor") reaches the cell. A task's output reaches the cell that
// started the workers (not necessarily before the cell's next line: the
// kernel copies a worker's output as it comes, and a Pool's workers are
// not joined after each call).
func TestPoolFunctionsAlternate(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(tutorialDecls)
	nb.declare(`func inc(x int) int { fmt.Println("inc", x); return x + 1 }`)
	nb.declare(`func dbl(x int) int { return 2 * x }`)
	nb.declare(`var pool = mp.NewPool(2)`)
	for i := 0; i < 3; i++ {
		out, err := nb.run(context.Background(), `fmt.Println(pool.MapInts(inc, []int{1, 2, 3}))`)
		if err != nil || !strings.Contains(out, "[2 3 4] <nil>\n") || strings.Contains(out, "worker:") {
			t.Errorf("MapInts(inc): output %q, error %v", out, err)
		}
		t.Logf("cell %d output: %s", i, out)
		if i == 0 {
			for _, line := range []string{"inc 1\n", "inc 2\n", "inc 3\n"} {
				if !strings.Contains(out, line) {
					t.Errorf("the first cell's output %q lacks the task's line %q", out, line)
				}
			}
		}
		out, err = nb.run(context.Background(), `fmt.Println(pool.Map(dbl, []int{5, 6}))`)
		if err != nil || out != "[10 12] <nil>\n" {
			t.Errorf("Map(dbl): output %q, error %v", out, err)
		}
	}
	if out, err := nb.run(context.Background(), `fmt.Println(pool.Close())`); err != nil || out != "<nil>\n" {
		t.Errorf("pool.Close: %q, %v", out, err)
	}
}
