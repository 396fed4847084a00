package worker_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/internal/goroot"
	"github.com/gopherlab/gopherlab/kernel/internal/srctree"
	"github.com/gopherlab/gopherlab/kernel/worker"
	"github.com/gopherlab/gopherlab/kernel/worker/compiler"
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

// TestPoolOneKind: a Pool started by the first cell after its function was
// declared, with the compiled worker for these declarations in the cache
// (built by an earlier kernel), has compiled workers only. Before, the
// first Start took the interpreted spare and asked for the build, the
// cache answered within milliseconds, and the Pool's other workers started
// compiled: lesson 10 timed pieces ten times apart.
func TestPoolOneKind(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a compiled worker")
	}
	cache := t.TempDir()
	decls := []string{tutorialDecls, `import "os"`, `func which(int) string { return os.Getenv("` + worker.WorkerEnv + `") }`}
	for round, want := range []string{"", "compiled"} {
		nb := newNotebook(t)
		b, err := compiler.NewBuilder(cache, srctree.Dir(), goroot.GoCommand(), nil)
		if err != nil {
			t.Skipf("compiled workers unavailable here: %v", err)
		}
		nb.l.SetCompiler(b)
		for _, d := range decls {
			nb.declare(d)
		}
		out, err := nb.run(context.Background(), `pool := mp.NewPool(4); kinds, err := pool.Map(which, []int{1, 2, 3, 4, 5, 6, 7, 8}); fmt.Println(kinds, err); pool.Close()`)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if round == 0 {
			// The first kernel builds the worker for the next one.
			bd := b.Find(worker.Needed(nb.l, nb.source()))
			if bd == nil {
				t.Fatal("no compiled worker requested for the declarations")
			}
			<-bd.Done()
			if bd.Err != nil {
				t.Fatal(bd.Err)
			}
			continue
		}
		if strings.Count(out, want) != 8 {
			t.Errorf("round %d: the Pool's workers were %q, want all %s", round, out, want)
		}
	}
}
