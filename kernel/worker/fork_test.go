package worker_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// The notebook's declarations in the session's format (issue 13): every
// variable a cell defines is a package-level var with its type and without
// initialiser, preceded by a //line directive naming its cell; the cells'
// statements set them. These tests write such declarations by hand and run
// the statements in the parent, as the session does.

const forkImports = `import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)`

// declareCells runs declarations written with //line directives, as
// session.Source writes them: the parent's interpreter evaluates them
// without the directives (the session evaluates the cells as written),
// and the notebook's source keeps them.
func (nb *notebook) declareCells(src string) {
	nb.t.Helper()
	var plain []string
	for _, l := range strings.Split(src, "\n") {
		if !strings.HasPrefix(l, "//line ") {
			plain = append(plain, l)
		}
	}
	if _, err := nb.in.Eval(nb.rewrite(strings.Join(plain, "\n"))); err != nil {
		nb.t.Fatalf("declare %q: %v", src, err)
	}
	nb.mu.Lock()
	nb.decls = append(nb.decls, src)
	nb.mu.Unlock()
}

// checkClean fails when out shows anything of the interpreter or of this
// machine: yaegi's frames, Go's runtime frames, file paths.
func checkClean(t *testing.T, out string) {
	t.Helper()
	for _, bad := range []string{"yaegi", "traefik", "runtime.", "reflect.", ".go:", "/work/", "/root/", "/usr/", "worker:"} {
		if strings.Contains(out, bad) {
			t.Errorf("output shows %q:\n%s", bad, out)
		}
	}
}

// TestForkIssueCell is the cell of issue 13: the child sees the notebook's
// variables as they are at Start, takes the parent's global lock, exits
// with its os.Exit code, and replays no statement.
func TestForkIssueCell(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(forkImports)
	nb.declareCells("//line cell[1]:2\nvar limit int\n\n//line cell[1]:3\nvar level int\n\n//line cell[1]:5\nvar n int\n\n//line cell[1]:5\nvar err error\n\n//line cell[1]:6\nvar lock *mp.Lock")
	if out, err := nb.run(context.Background(), `limit = 3
level = 1
level = 5
n, err = fmt.Println("top-level tuple define ran")
lock = mp.NewLock()`); err != nil || out != "top-level tuple define ran\n" {
		t.Fatalf("first cell: %q, %v", out, err)
	}
	nb.declareCells("//line cell[2]:1\nfunc show() { fmt.Println(\"child limit\", limit, \"level\", level); lock.Lock(); lock.Unlock() }\n\n//line cell[2]:2\nfunc exitWith(c int) { os.Exit(c) }\n\n//line cell[2]:3\nfunc fatal() { log.SetFlags(0); log.Fatal(\"fatal in the child\") }\n\n//line cell[2]:4\nfunc waitLock() { lock.Lock(); fmt.Println(\"child has the lock\"); lock.Unlock() }")
	out, err := nb.run(context.Background(), `p := mp.NewProcess(show); p.Start(); p.Join()
e := mp.NewProcess(exitWith, 3); e.Start(); fmt.Println(e.Join(), e.ExitCode())
z := mp.NewProcess(exitWith, 0); z.Start(); fmt.Println(z.Join(), z.ExitCode())
f := mp.NewProcess(fatal); f.Start(); fmt.Println(f.Join(), f.ExitCode())`)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out)
	want := regexp.MustCompile(`^child limit 3 level 5
mp: Process-\d+ exited with code 3 3
<nil> 0
fatal in the child
mp: Process-\d+ exited with code 1 1
$`)
	if !want.MatchString(out) {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	checkClean(t, out)

	// The global lock is the parent's: the child waits for it.
	out, err = nb.run(context.Background(), `lock.Lock()
w := mp.NewProcess(waitLock); w.Start()
time.Sleep(300 * time.Millisecond)
fmt.Println("parent unlocks")
lock.Unlock()
w.Join()`)
	if err != nil || out != "parent unlocks\nchild has the lock\n" {
		t.Errorf("global lock: %q, %v; want the child to wait for the parent's lock", out, err)
	}

	// Values at Start, not at the previous Start.
	out, err = nb.run(context.Background(), `limit = 4; p := mp.NewProcess(show); p.Start(); limit = 5; p.Join()`)
	if err != nil || out != "child limit 4 level 5\n" {
		t.Errorf("after limit = 4: %q, %v", out, err)
	}
}

// TestForkOldFormat: declarations with initialisers (the format before
// issue 13) are not run again in a child: the child starts from the
// parent's values.
func TestForkOldFormat(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(forkImports)
	nb.declare(`func double(x int) int { return 2 * x }`)
	nb.declare(`var level = 1

var n, err = fmt.Println("top-level tuple define ran")

var pool = mp.NewPool(2)

var squares, err2 = pool.MapInts(double, []int{1, 2})

var parentConn, childConn = mp.NewPipe()

func show() { fmt.Println("level", level, "squares", squares, "n", n) }`)
	out, err := nb.run(context.Background(), `level = 5
pool.Close()
fmt.Println(squares, err2)
p := mp.NewProcess(show); err := p.Start(); p.Join(); fmt.Println(err)`)
	if err != nil {
		t.Fatal(err)
	}
	if out != "[2 4] <nil>\nlevel 5 squares [2 4] n 27\n<nil>\n" {
		t.Errorf("output %q, want the parent's values and no replayed line", out)
	}
}

// TestForkShared: mp objects reached through variables are shared, also
// inside slices, maps, structs and interfaces; other values are copies.
func TestForkShared(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(forkImports)
	nb.declare(`type counter struct {
	name  string
	total *mp.Value
	seen  map[string]int
}

var counters []counter

var byName map[string]*mp.Value

var anything any

var plain []int

func work() {
	for _, c := range counters {
		c.total.Add(10)
		c.seen["child"]++
	}
	byName["b"].Add(100)
	anything.(*mp.Lock).Lock()
	plain[0] = 99
	fmt.Println("child:", counters[0].name, counters[0].seen, plain)
	anything.(*mp.Lock).Unlock()
}`)
	out, err := nb.run(context.Background(), `a, b := mp.NewValue("i", 1), mp.NewValue("i", 2)
counters = []counter{{"a", a, map[string]int{"parent": 1}}, {"b", b, map[string]int{}}}
byName = map[string]*mp.Value{"a": a, "b": b}
anything = mp.NewLock()
plain = []int{1, 2, 3}
p := mp.NewProcess(work); p.Start(); p.Join()
fmt.Println("parent:", a.Load(), b.Load(), counters[0].seen, plain)`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "child: a map[child:1 parent:1] [99 2 3]\nparent: 11 112 map[parent:1] [1 2 3]\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
}

// TestForkCannotCopy: a channel the target uses is nil in the child, with a
// note on the cell's stderr naming it; the rest is copied.
func TestForkCannotCopy(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(forkImports)
	nb.declare(`var results chan int

var count int

func use() { fmt.Println("count", count, "channel is nil:", results == nil) }`)
	out, err := nb.run(context.Background(), `results = make(chan int, 1); count = 7
p := mp.NewProcess(use); p.Start(); p.Join()`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "mp: results (a chan int) is not copied to Process-") || !strings.Contains(out, "which sees nil: channels work within one process") ||
		!strings.Contains(out, "count 7 channel is nil: true\n") {
		t.Errorf("output %q", out)
	}
}

// TestForkInterfaces: values of an interface type the notebook declares,
// with dynamic types of the notebook, keep their methods in the child.
func TestForkInterfaces(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(forkImports)
	nb.declare(`type Shape interface{ Area() float64 }

type square struct{ side float64 }

func (s square) Area() float64 { return s.side * s.side }

type circle struct{ r float64 }

func (c *circle) Area() float64 { return 3 * c.r * c.r }

type scene struct {
	name   string
	shapes []Shape
	main   Shape
}

var shapes []Shape

var current scene

var scale float64

func (s square) scaled() float64 { return s.side * scale }

func total() {
	sum := 0.0
	for _, s := range shapes {
		sum += s.Area()
	}
	fmt.Println(current.name, sum, current.main.Area(), len(current.shapes), shapes[0].(square).scaled())
}`)
	out, err := nb.run(context.Background(), `scale = 10
shapes = []Shape{square{2}, &circle{1}}
current = scene{"scene", shapes, &circle{2}}
p := mp.NewProcess(total); p.Start(); p.Join()`)
	if err != nil {
		t.Fatal(err)
	}
	if out != "scene 7 12 2 20\n" {
		t.Errorf("output %q, want %q", out, "scene 7 12 2 20\n")
	}
}

// TestForkPanic: a child's panic reads as Go's, with the function and the
// line of its cell, then the process's name; nothing of the interpreter.
func TestForkPanic(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(forkImports)
	nb.declareCells("//line cell[4]:1\nfunc inner(m map[string]int) {\n\tm[\"x\"] = 1\n}\n\n//line cell[4]:5\nfunc boom() { inner(nil) }\n\n//line cell[4]:7\nfunc inGoroutine() { go inner(nil); time.Sleep(time.Second); fmt.Println(\"not reached\") }")
	out, err := nb.run(context.Background(), `p := mp.NewProcess(boom); p.Start(); fmt.Println(p.Join(), p.ExitCode())`)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out)
	want := regexp.MustCompile(`^panic: assignment to entry in nil map

goroutine 1 \[running\]:
main\.inner\(\.\.\.\)
	cell\[4\]:\d
main\.boom\(\.\.\.\)
	cell\[4\]:5
\[in process Process-\d+\]
mp: Process-\d+ exited with code 1: panic: assignment to entry in nil map 1
$`)
	if !want.MatchString(out) {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	checkClean(t, out)

	out, err = nb.run(context.Background(), `p := mp.NewProcess(inGoroutine); p.Start(); fmt.Println(p.Join(), p.ExitCode())`)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out)
	want = regexp.MustCompile(`^panic: assignment to entry in nil map

goroutine 2 \[running\]:
main\.inner\(\.\.\.\)
	cell\[4\]:\d
\[in process Process-\d+\]
mp: Process-\d+ exited with code 1 1
$`)
	if !want.MatchString(out) {
		t.Errorf("goroutine panic, output:\n%s\nwant:\n%s", out, want)
	}
	checkClean(t, out)
}

// TestForkQueueTypes: values of the notebook's types and []any cross a
// Queue both ways; Get returns them with their type, declared in a cell
// after the queue was made, without RegisterType.
func TestForkQueueTypes(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(forkImports)
	nb.declare(`var q *mp.Queue

var back *mp.Queue`)
	if out, err := nb.run(context.Background(), `q = mp.NewQueue(0); back = mp.NewQueue(0)`); err != nil {
		t.Fatal(out, err)
	}
	nb.declare(`type point struct {
	x, y  int
	label *string
	next  *point
}

func echo() {
	for i := 0; i < 2; i++ {
		v, err := q.Get()
		if err != nil {
			panic(err)
		}
		back.Put(v)
	}
	name := "made in the child"
	back.Put(point{x: 7, label: &name})
}`)
	out, err := nb.run(context.Background(), `p := mp.NewProcess(echo); p.Start()
q.Put([]any{42, nil, "hello"})
q.Put(&point{1, 2, nil, &point{x: 3}})
a, _ := back.Get()
b, _ := back.Get()
c, _ := back.Get()
pt := b.(*point)
fmt.Println(a, pt.x, pt.y, pt.label == nil, pt.next.x, *c.(point).label)
p.Join()`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[42 <nil> hello] 1 2 true 3 made in the child\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
}

// TestPoolTwoFunctions: a Pool's workers run one function, then another.
// Each worker takes the cell's output once (it used to do so at every new
// function, on a descriptor it had closed: "worker: receive the cell's
// output: bad file descriptor" in about 4 runs of 5).
func TestPoolTwoFunctions(t *testing.T) {
	nb := newNotebook(t)
	var log cellOutput
	nb.l.SetLog(&log)
	nb.declare(forkImports)
	nb.declare(`func square(x int) int { return x * x }

func cube(x int) int { return x * x * x }`)
	for i := 0; i < 5; i++ {
		out, err := nb.run(context.Background(), `pool := mp.NewPool(2)
a, err := pool.MapInts(square, []int{1, 2, 3, 4})
b, err2 := pool.MapInts(cube, []int{1, 2, 3, 4})
fmt.Println(a, err, b, err2, pool.Close())`)
		if err != nil || out != "[1 4 9 16] <nil> [1 8 27 64] <nil> <nil>\n" {
			t.Fatalf("run %d: %q, %v", i, out, err)
		}
	}
	if log.String() != "" {
		t.Errorf("the kernel's log: %q", log.String())
	}
}

// TestUncheckedErrors: an error an mp call returns and the cell drops is
// shown on the cell's stderr, once, with the cell's line; a checked one is
// not shown twice.
func TestUncheckedErrors(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(forkImports) // cell 1
	// cell 2
	nb.declareCells("//line cell[2]:1\nvar q *mp.Queue\n\n//line cell[2]:3\nfunc putChan() { q.Put(make(chan int)) }")
	out, err := nb.run(context.Background(), `q = mp.NewQueue(0)
q.Put(make(chan int))
mp.NewProcess(func() {}).Start()
mp.SetStartMethod("spawn")
fmt.Println("checked:", mp.SetStartMethod("fork"), q.Put(1) == nil)
p := mp.NewProcess(putChan); p.Start(); p.Join()`) // cell 3
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("output:\n%s", out)
	for _, want := range []string{
		"cell[3]:2: unchecked error from q.Put(make(chan int)): mp: the value sent (a chan int) cannot be copied to another process: channels work within one process",
		"cell[3]:3: unchecked error from mp.NewProcess(func() {}).Start(): mp: cannot run a function literal in a child process",
		`cell[3]:4: unchecked error from mp.SetStartMethod("spawn"): mp: a notebook's children always start as with "fork"`,
		"checked: <nil> true\n",
		"cell[2]:3: unchecked error from q.Put(make(chan int)): mp: the value sent (a chan int) cannot be copied",
	} {
		if strings.Count(out, want) != 1 {
			t.Errorf("output lacks (once) %q", want)
		}
	}
	checkClean(t, out)
}

// TestUncheckedOwnTypes: the wrapping of dropped calls leaves a cell's own
// Start, Put and Send methods working as written, with value and pointer
// receivers, fields of function type and interfaces.
func TestUncheckedOwnTypes(t *testing.T) {
	nb := newNotebook(t)
	nb.declare(forkImports)
	nb.declare(`type engine struct{ runs int }

func (e *engine) Start() { e.runs++ }

func (e engine) Put(n int, more ...int) error { fmt.Println("put", n, more); return nil }

type starter interface{ Start() }

type box struct{ Send func(string) }`)
	out, err := nb.run(context.Background(), `e := engine{}
e.Start()
e.Start()
e.Put(1, 2, 3)
s := starter(&e)
s.Start()
b := box{Send: func(m string) { fmt.Println("sent", m) }}
b.Send("hi")
fmt.Println("runs", e.runs)`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "put 1 [2 3]\nsent hi\nruns 3\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
}
