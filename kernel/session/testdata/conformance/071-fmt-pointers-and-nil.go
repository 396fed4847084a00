// Printing nil values of every kind.
package main

import "fmt"

type T struct{ A int }

func main() {
	var p *T
	var s []int
	var m map[string]int
	var f func()
	var i any
	var e error
	var ch chan int
	fmt.Println(p, s, m, f == nil, i, e, ch)
	fmt.Printf("%v %v %v %v %v\n", p, s, m, i, ch)
	fmt.Printf("%+v %#v %#v %#v\n", p, s, m, i)
	fmt.Printf("%T %T %T %T\n", p, s, m, i)
}
