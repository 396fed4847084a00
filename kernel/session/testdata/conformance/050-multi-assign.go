// Tuple assignment: evaluation order and swaps.
package main

import "fmt"

func main() {
	a, b, c := 1, 2, 3
	a, b, c = c, a, b
	fmt.Println(a, b, c)
	xs := []int{10, 20, 30}
	i := 0
	i, xs[i] = 1, 99
	fmt.Println(i, xs)
	x, y := 0, 1
	for range 8 {
		x, y = y, x+y
	}
	fmt.Println(x, y)
	var m = map[string]int{}
	m["a"], m["b"] = 1, 2
	fmt.Println(m)
}
