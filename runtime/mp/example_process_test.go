package mp_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// greet is a target: a top-level function. It runs in the child process,
// whose standard output is the parent's.
func greet(name string, times int) {
	fmt.Println(strings.TrimSpace(strings.Repeat("hello, "+name+"! ", times)))
}

func ExampleProcess() {
	p := mp.NewProcess(greet, "gopher", 2)
	if err := p.Start(); err != nil {
		fmt.Println(err)
		return
	}
	if err := p.Join(); err != nil {
		fmt.Println(err)
	}
	fmt.Println("exit code", p.ExitCode())
	// Output:
	// hello, gopher! hello, gopher!
	// exit code 0
}

// addOne changes its copy of n and the shared Value.
func addOne(n int, shared *mp.Value, lock *mp.Lock) {
	n++
	lock.Lock()
	shared.Store(shared.Load() + 1)
	lock.Unlock()
}

// Ordinary arguments are copies; Values, Arrays and Locks are shared.
func ExampleNewProcess() {
	n := 10
	shared := mp.NewValue("i", 10)
	lock := mp.NewLock()
	var ps []*mp.Process
	for i := 0; i < 3; i++ {
		p := mp.NewProcess(addOne, n, shared, lock)
		p.Start()
		ps = append(ps, p)
	}
	for _, p := range ps {
		p.Join()
	}
	fmt.Println("n:", n, "shared:", shared.Load())
	// Output:
	// n: 10 shared: 13
}

func crash() { panic("something went wrong") }

func ExampleExitError() {
	p := mp.NewProcess(crash)
	p.SetName("crasher")
	p.Start()
	err := p.Join() // the child also printed the panic to stderr
	fmt.Println(err)
	fmt.Println("exit code", p.ExitCode())
	// Output:
	// mp: crasher exited with code 1: panic: something went wrong
	// exit code 1
}

func ExampleNewProcess_closure() {
	total := 0
	p := mp.NewProcess(func() { total++ })
	fmt.Println(p.Start())
	// Output:
	// mp: the target is a function literal or closure (mp_test.ExampleNewProcess_closure.func1): a child process runs a copy of the program and cannot see the variables a closure captures; declare a top-level function (func work(...) { ... }) and pass what it needs as arguments
}

// squares puts the squares of 1..n in q.
func squares(q *mp.Queue, n int) error {
	for i := 1; i <= n; i++ {
		if err := q.Put(i * i); err != nil {
			return err
		}
	}
	return nil
}

func ExampleQueue() {
	q := mp.NewQueue(10)
	defer q.Close()
	p := mp.NewProcess(squares, q, 5)
	if err := p.Start(); err != nil {
		fmt.Println(err)
		return
	}
	for i := 0; i < 5; i++ {
		v, err := q.Get()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Print(v.(int), " ")
	}
	fmt.Println()
	p.Join()
	// Output:
	// 1 4 9 16 25
}

// shout answers every message on c in upper case, until "bye".
func shout(c *mp.Conn) error {
	for {
		var s string
		if err := c.RecvInto(&s); err != nil {
			return err
		}
		if err := c.Send(strings.ToUpper(s)); err != nil || s == "bye" {
			return err
		}
	}
}

func ExampleNewPipe() {
	parent, child := mp.NewPipe()
	defer parent.Close()
	p := mp.NewProcess(shout, child)
	if err := p.Start(); err != nil {
		fmt.Println(err)
		return
	}
	child.Close() // the child process has its own copy
	for _, s := range []string{"hello", "bye"} {
		parent.Send(s)
		answer, _ := parent.Recv()
		fmt.Println(answer)
	}
	fmt.Println(p.Join())
	// Output:
	// HELLO
	// BYE
	// <nil>
}

func cube(x int) int { return x * x * x }

func ExamplePool() {
	pool := mp.NewPool(2)
	defer pool.Close()
	cubes, err := pool.MapInts(cube, []int{1, 2, 3, 4, 5})
	fmt.Println(cubes, err)
	// Output:
	// [1 8 27 64 125] <nil>
}

// forever never returns.
func forever() {
	for {
		time.Sleep(time.Second)
	}
}

func ExampleProcess_Terminate() {
	p := mp.NewProcess(forever)
	p.SetName("forever")
	p.Start()
	fmt.Println("exited within 50ms:", p.JoinTimeout(50*time.Millisecond))
	p.Terminate()
	fmt.Println(p.Join())
	fmt.Println("exit code", p.ExitCode(), "alive", p.IsAlive())
	// Output:
	// exited within 50ms: false
	// mp: forever was killed by signal 15 (terminated)
	// exit code -15 alive false
}

func ExampleSetStartMethod() {
	// Keep a child ready, so that Start only hands it the target.
	if err := mp.SetStartMethod("forkserver"); err != nil {
		fmt.Println(err)
	}
	defer mp.SetStartMethod("spawn")
	p := mp.NewProcess(greet, "forkserver", 1)
	p.Start()
	p.Join()
	fmt.Println(mp.SetStartMethod("fork"))
	// Output:
	// hello, forkserver!
	// mp: start method "fork" is not available in Go (forking a multithreaded runtime is unsafe); use "spawn" or "forkserver"
}
