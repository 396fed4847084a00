// Composite literals of nested types with elided element types.
package main

import "fmt"

type Point struct{ X, Y int }

type Line struct {
	From, To Point
	Tags     []string
}

func main() {
	lines := []Line{
		{Point{0, 0}, Point{1, 1}, []string{"diag"}},
		{From: Point{2, 3}, To: Point{Y: 5}},
	}
	fmt.Println(lines)
	ptrs := []*Point{{1, 2}, {3, 4}}
	fmt.Println(*ptrs[0], ptrs[1].Y)
	byName := map[string]Point{"origin": {}, "unit": {1, 1}}
	fmt.Println(byName["unit"], len(byName))
	matrix := [][2]int{{1, 2}, {3, 4}}
	fmt.Println(matrix)
}
