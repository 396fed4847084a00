package session

import (
	"fmt"
	"reflect"
	"sync"
	"time"
)

// goCall runs f(args...) in a new goroutine for a rewritten go statement;
// a panic there is recovered and reported. With spread, the last argument
// is a slice passed as f's variadic parameter (f(a, b...)).
func (s *Session) goCall(where string, spread bool, f any, args ...any) {
	call, err := prepareCall(f, args, spread)
	if err != nil {
		s.note(fmt.Sprintf("the go statement at %s did not start: %v\n", where, err))
		return
	}
	s.live.add()
	owner, _ := s.route.current() // the cell that starts the goroutine owns its output
	go func() {
		defer s.live.done()
		defer s.route.adopt(owner)()
		defer func() {
			if r := recover(); r != nil {
				s.goPanic(where, r)
			}
		}()
		call()
	}()
}

// liveGoroutines counts the goroutines cells started.
type liveGoroutines struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to zero
}

func (g *liveGoroutines) add() {
	g.mu.Lock()
	g.n++
	g.mu.Unlock()
}

func (g *liveGoroutines) done() {
	g.mu.Lock()
	g.n--
	if g.n == 0 && g.idle != nil {
		close(g.idle)
		g.idle = nil
	}
	g.mu.Unlock()
}

// wait waits until no goroutine of a cell runs, at most for d.
func (g *liveGoroutines) wait(d time.Duration) {
	g.mu.Lock()
	if g.n == 0 {
		g.mu.Unlock()
		return
	}
	if g.idle == nil {
		g.idle = make(chan struct{})
	}
	ch := g.idle
	g.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(d):
	}
}

// prepareCall checks f and its arguments and returns the call. Arguments
// are converted to the parameter types where Go would have done it (an
// untyped constant 1 for a float64 parameter arrives as an int).
func prepareCall(f any, args []any, spread bool) (func(), error) {
	if g, ok := f.(func()); ok && len(args) == 0 {
		return g, nil
	}
	fv := unwrapInterp(reflect.ValueOf(f))
	if !fv.IsValid() || fv.Kind() != reflect.Func || fv.IsNil() {
		return nil, fmt.Errorf("%v is not a function", f)
	}
	t := fv.Type()
	n := t.NumIn()
	if (!t.IsVariadic() || spread) && len(args) != n || t.IsVariadic() && !spread && len(args) < n-1 {
		return nil, fmt.Errorf("the function takes %d arguments, not %d", n, len(args))
	}
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		var pt reflect.Type
		switch {
		case t.IsVariadic() && !spread && i >= n-1:
			pt = t.In(n - 1).Elem()
		default:
			pt = t.In(i)
		}
		v := unwrapInterp(reflect.ValueOf(a))
		switch {
		case !v.IsValid():
			v = reflect.Zero(pt)
		case v.Type().AssignableTo(pt):
		case v.Type().ConvertibleTo(pt):
			v = v.Convert(pt)
		default:
			return nil, fmt.Errorf("argument %d is a %s, the function wants a %s", i+1, v.Type(), pt)
		}
		in[i] = v
	}
	if spread {
		return func() { fv.CallSlice(in) }, nil
	}
	return func() { fv.Call(in) }, nil
}
