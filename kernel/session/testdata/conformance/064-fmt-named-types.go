// %v %#v %T of named non-struct types.
package main

import "fmt"

type ID int
type Name string
type Scores []int
type Lookup map[string]bool
type Handler func(int) int

func main() {
	var id ID = 7
	var n Name = "ann"
	s := Scores{1, 2}
	l := Lookup{"x": true}
	fmt.Printf("%v %#v %T\n", id, id, id)
	fmt.Printf("%v %#v %T %q\n", n, n, n, n)
	fmt.Printf("%v %#v %T\n", s, s, s)
	fmt.Printf("%v %#v %T\n", l, l, l)
	var h Handler
	fmt.Printf("%T %v\n", h, h == nil)
	fmt.Printf("%d %x %05d\n", id, id, id)
}
