// Comparing interface values, and structs as map keys.
package main

import "fmt"

type Point struct{ X, Y int }

type Key struct {
	Kind string
	ID   int
}

func main() {
	var a, b any = Point{1, 2}, Point{1, 2}
	fmt.Println(a == b, a == any(Point{2, 1}))
	var c any = 1
	var d any = int64(1)
	fmt.Println(c == d)
	visits := map[Key]int{}
	visits[Key{"page", 1}]++
	visits[Key{"page", 1}]++
	visits[Key{"post", 1}]++
	fmt.Println(visits[Key{"page", 1}], visits[Key{"post", 1}], len(visits))
	seen := map[Point]bool{{0, 0}: true}
	fmt.Println(seen[Point{}], seen[Point{1, 0}])
}
