package mp_test

import (
	"fmt"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// A task holds what a child needs: ordinary values, a pointer, and shared
// objects, which may sit anywhere inside an argument.
type task struct {
	name    string // unexported fields are copied too
	weights []float64
	limit   *int
	done    *mp.Value // shared, not copied
}

// runTask runs in the child, on its copy of t.
func runTask(t task) {
	sum := 0.0
	for _, w := range t.weights {
		sum += w
	}
	*t.limit = 0 // the child's copy; the parent's limit stays
	t.done.Add(1)
	fmt.Printf("%s: sum %.1f\n", t.name, sum)
}

// Arguments are copied as a fork copies memory: unexported fields,
// pointers (to copies in the child) and slices; shared objects inside them
// are the parent's.
func ExampleNewProcess_copies() {
	limit := 3
	done := mp.NewValue("i", 0)
	p := mp.NewProcess(runTask, task{"weights", []float64{1.5, 2.5}, &limit, done})
	if err := p.Start(); err != nil {
		fmt.Println(err)
		return
	}
	p.Join()
	fmt.Println("limit:", limit, "done:", done.Load())
	// Output:
	// weights: sum 4.0
	// limit: 3 done: 1
}

type node struct {
	X, Y int
	Next *node
}

// A Queue carries what Python's carries: a list of anything copyable
// (Python's [42, None, 'hello']), structs with nil pointers, and values
// whose type the receiver finds by name.
func ExampleQueue_Get() {
	q := mp.NewQueue(0)
	defer q.Close()
	q.Put([]any{42, nil, "hello"})
	q.Put(node{X: 1, Y: 2})
	a, _ := q.Get()
	b, _ := q.Get()
	fmt.Println(a)
	fmt.Printf("%+v\n", b.(node))
	// Output:
	// [42 <nil> hello]
	// {X:1 Y:2 Next:<nil>}
}

// What cannot go to another process is refused with a message saying why.
func ExampleQueue_Put() {
	q := mp.NewQueue(0)
	defer q.Close()
	fmt.Println(q.Put(make(chan int)))
	// Output:
	// mp: the value sent (a chan int) cannot be copied to another process: channels work within one process; use mp.NewQueue or mp.NewPipe between processes
}
