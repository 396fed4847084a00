// Arrays are values: copying and comparing them.
package main

import "fmt"

func main() {
	var a [4]int
	a[1] = 5
	b := a
	b[0] = 9
	fmt.Println(a, b, a == b, len(a))
	c := [...]string{"x", "y", "z"}
	fmt.Println(c, len(c))
	grid := [2][3]int{{1, 2, 3}, {4, 5, 6}}
	fmt.Println(grid, grid[1][2])
	idx := [5]int{1: 10, 3: 30}
	fmt.Println(idx)
	p := &c
	p[0] = "changed"
	fmt.Println(c[0])
}
