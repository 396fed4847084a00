package worker

import (
	"reflect"
	"testing"

	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
	"github.com/gopherlab/gopherlab/kernel/worker/native"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

// The notebook's declarations, compiled into this test as a worker
// program would compile them.
type point struct {
	x, y int
	tag  string
}

type shape interface{ Area() float64 }

type square struct{ side float64 }

func (s square) Area() float64 { return s.side * s.side }

type scene struct {
	main   shape
	points []*point
	byName map[string]point
}

const decls = `package main

import "github.com/gopherlab/gopherlab/runtime/mp"

type point struct {
	x, y int
	tag  string
}

type shape interface{ Area() float64 }

type square struct{ side float64 }

func (s square) Area() float64 { return s.side * s.side }

type scene struct {
	main   shape
	points []*point
	byName map[string]point
}

var q *mp.Queue
`

// Values of the notebook's types made by the kernel's interpreter arrive in
// a compiled worker as the compiled types of the same declarations: by
// structure (yaegi's X-prefixed fields are the compiled unexported ones)
// and by the types' names inside interface values.
func TestInterpretedToCompiled(t *testing.T) {
	in := interp.New(interp.Options{})
	for _, s := range []interp.Exports{stdlib.Symbols(), symbols.Symbols, Symbols} {
		if err := in.Use(s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := in.Eval(decls[len("package main\n"):]); err != nil {
		t.Fatal(err)
	}
	kernel := NewLauncher(nil, func() string { return decls })
	kernel.SetInterp(in)
	compiled := native.NewNamespace(native.Table{Types: map[string]reflect.Type{
		"point": reflect.TypeFor[point](), "square": reflect.TypeFor[square](), "scene": reflect.TypeFor[scene](),
	}})
	t.Cleanup(func() { mp.SetLauncher(nil) })

	q := mp.NewQueue(0)
	defer q.Close()
	mp.SetLauncher(kernel)
	if _, err := in.Eval("q = mp.NewQueue(0)"); err != nil {
		t.Fatal(err)
	}
	qv, err := in.Eval("q")
	if err != nil {
		t.Fatal(err)
	}
	q = qv.Interface().(*mp.Queue)
	if _, err := in.Eval(`q.Put([]any{point{1, 2, "a"}, &point{3, 4, "b"}, scene{square{2}, []*point{{5, 6, "c"}, nil}, map[string]point{"k": {7, 8, "d"}}}})`); err != nil {
		t.Fatal(err)
	}

	mp.SetLauncher(compiled)
	v, err := q.Get()
	if err != nil {
		t.Fatal(err)
	}
	got := v.([]any)
	if p, ok := got[0].(point); !ok || p != (point{1, 2, "a"}) {
		t.Errorf("got[0] = %#v", got[0])
	}
	if p, ok := got[1].(*point); !ok || *p != (point{3, 4, "b"}) {
		t.Errorf("got[1] = %#v", got[1])
	}
	s, ok := got[2].(scene)
	if !ok || s.main.Area() != 4 || len(s.points) != 2 || *s.points[0] != (point{5, 6, "c"}) || s.points[1] != nil || s.byName["k"] != (point{7, 8, "d"}) {
		t.Errorf("got[2] = %#v", got[2])
	}
}
