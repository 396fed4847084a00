// recover returns what panic was given: errors (also of declared types, value
// and pointer), structs, numbers; runtime errors are runtime.Error values.
package main

import (
	"errors"
	"fmt"
	"runtime"
)

type MyErr struct{ Code int }

func (e MyErr) Error() string { return fmt.Sprintf("code %d", e.Code) }

type PErr struct{ Msg string }

func (e *PErr) Error() string { return "perr " + e.Msg }

type point struct{ x, y int }

type Celsius float64

func try(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return
}

func main() {
	r := try(func() { panic(MyErr{7}) })
	e, ok := r.(error)
	fmt.Println(e, ok)
	me, ok := r.(MyErr)
	fmt.Println(me.Code, ok)
	fmt.Printf("%T %v\n", r, r)
	var target MyErr
	fmt.Println(errors.As(e, &target), target.Code)

	r = try(func() { panic(&PErr{"x"}) })
	pe, ok := r.(*PErr)
	fmt.Println(pe.Msg, ok)
	_, ok = r.(error)
	fmt.Printf("%T %v %v\n", r, r, ok)

	r = try(func() { panic(point{1, 2}) })
	p, ok := r.(point)
	fmt.Println(p.x, p.y, ok)
	fmt.Printf("%T %v %+v\n", r, r, r)

	r = try(func() { panic(Celsius(3.5)) })
	c, ok := r.(Celsius)
	fmt.Println(c, ok)

	r = try(func() { panic(42) })
	n, ok := r.(int)
	fmt.Println(n+1, ok)

	var err error = MyErr{3}
	r = try(func() { panic(err) })
	fmt.Println(r, errors.Is(r.(error), err))

	r = try(func() {
		var m map[string]int
		m["a"] = 1
	})
	_, isRT := r.(runtime.Error)
	fmt.Println(r, isRT)
	r = try(func() {
		var p *point
		fmt.Println(p.x)
	})
	_, isRT = r.(runtime.Error)
	fmt.Println(r, isRT)
	r = try(func() {
		a := []int{1}
		i := 5
		_ = a[i]
	})
	_, isRT = r.(runtime.Error)
	fmt.Println(isRT)
	r = try(func() {})
	fmt.Println(r == nil)
	defer func() {
		fmt.Println("top", recover())
	}()
	panic(fmt.Sprint("end ", 1))
}
