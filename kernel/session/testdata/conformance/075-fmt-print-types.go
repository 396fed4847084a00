// %T of declared types: functions, channels, interfaces, generics.
package main

import "fmt"

type Shape interface{ Area() float64 }

type Square struct{ S float64 }

func (s Square) Area() float64 { return s.S * s.S }

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func main() {
	var sh Shape = Square{2}
	fmt.Printf("%T %v\n", sh, sh)
	fmt.Printf("%T\n", Square.Area)
	fmt.Printf("%T\n", make(chan Square))
	fmt.Printf("%T\n", map[string][]Square{})
	fmt.Printf("%T\n", func(Square) error { return nil })
	p := Pair[string, int]{"a", 1}
	fmt.Printf("%T %v %+v\n", p, p, p)
	fmt.Printf("%T\n", []*Square{})
}
