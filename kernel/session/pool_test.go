package session

import (
	"context"
	"testing"
)

// TestPoolFromCells uses the Pool as a learner porting Python would, from
// cells: Map over slices of several element types (a struct declared in a
// cell too), a typed result, Starmap, ApplyAsync, several Maps at once, and
// Imap with range over its iterator (lowered by package lower).
func TestPoolFromCells(t *testing.T) {
	s := newProcsSession(t)
	ctx := context.Background()
	steps := []struct{ cell, want string }{
		{tutorialImports + `
import "strings"

type Point struct{ X, Y int }

func sq(x int) int { return x * x }
func norm(p Point) int { return p.X*p.X + p.Y*p.Y }
func shout(s string) string { return s + "!" }
func add(a, b int) int { return a + b }
func div(a, b int) (int, error) {
	if b == 0 {
		return 0, fmt.Errorf("cannot divide %d by zero", a)
	}
	return a / b, nil
}
func div2(b int) (int, error) { return div(2, b) }

var pool = mp.NewPool(2)
fmt.Println(pool.Map(sq, []int{1, 2, 3}))
`, "[1 4 9] <nil>\n"},
		{`fmt.Println(pool.Map(shout, []string{"a", "b"}))`, "[a! b!] <nil>\n"},
		{`fmt.Println(pool.Map(norm, []Point{{1, 2}, {3, 4}}))`, "[5 25] <nil>\n"},
		{`var squares []int
fmt.Println(pool.MapInto(sq, []int{4, 5}, &squares), squares)`, "<nil> [16 25]\n"},
		{`fmt.Println(pool.Starmap(add, [][]int{{1, 2}, {3, 4}}))`, "[3 7] <nil>\n"},
		{`r := pool.ApplyAsync(div, 7, 2)
fmt.Println(r.Get())
fmt.Println(pool.Apply(div, 1, 0))`, "3 <nil>\n<nil> mp: Pool.Apply: cannot divide 1 by zero\n"},
		{`a, b := pool.MapAsync(sq, []int{6}), pool.MapAsync(shout, []string{"c"})
fmt.Println(b.Get())
fmt.Println(a.Get())`, "[c!] <nil>\n[36] <nil>\n"},
		{`for v, err := range pool.Imap(div2, []int{2, 0, 1}).All() {
	fmt.Println(v, err)
}`, "1 <nil>\n<nil> mp: Pool.Imap: item 1: cannot divide 2 by zero\n2 <nil>\n"},
		// As a Python pool's forked workers, the workers know the
		// functions declared when they started.
		{`func late(x int) int { return x }
_, err := pool.Map(late, []int{1})
fmt.Println(strings.Contains(err.Error(), "mp: Pool.Map: item 0: mp: the Pool's workers cannot find late: they started before it was declared or last changed; close the Pool and make a new one"))`, "true\n"},
		{`fmt.Println(pool.Close())`, "<nil>\n"},
	}
	for i, st := range steps {
		out, err := runProcsCell(t, s, ctx, st.cell)
		if err != nil || out != st.want {
			t.Errorf("step %d: %q, %v; want %q", i, out, err, st.want)
		}
	}
}
