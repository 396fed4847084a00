// A generic two-dimensional grid with a Map method and a %v String.
package main

import (
	"fmt"
	"strings"
)

type Grid[T any] struct {
	w, h  int
	cells []T
}

func NewGrid[T any](w, h int) *Grid[T] {
	return &Grid[T]{w, h, make([]T, w*h)}
}

func (g *Grid[T]) Set(x, y int, v T) { g.cells[y*g.w+x] = v }
func (g *Grid[T]) Get(x, y int) T    { return g.cells[y*g.w+x] }

func (g *Grid[T]) String() string {
	var rows []string
	for y := 0; y < g.h; y++ {
		rows = append(rows, fmt.Sprint(g.cells[y*g.w:(y+1)*g.w]))
	}
	return strings.Join(rows, "\n")
}

func main() {
	g := NewGrid[int](3, 2)
	for y := range 2 {
		for x := range 3 {
			g.Set(x, y, x+10*y)
		}
	}
	fmt.Println(g)
	fmt.Println(g.Get(2, 1))
	names := NewGrid[string](2, 1)
	names.Set(1, 0, "b")
	fmt.Printf("%q\n", names.cells)
}
