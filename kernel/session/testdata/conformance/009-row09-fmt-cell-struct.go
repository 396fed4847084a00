// Issue 12, row 9: fmt verbs on a struct type declared in the program.
package main

import "fmt"

type point struct{ x, y int }

func main() {
	p := point{1, 2}
	fmt.Printf("%v|%+v|%#v|%T\n", p, p, p, p)
	fmt.Printf("%v %+v %T\n", &p, []point{p}, []point{p})
}
