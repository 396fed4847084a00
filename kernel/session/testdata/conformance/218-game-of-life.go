// A few generations of Conway's game of life on a small torus.
package main

import (
	"fmt"
	"strings"
)

type Grid [][]bool

func NewGrid(rows ...string) Grid {
	g := make(Grid, len(rows))
	for y, r := range rows {
		g[y] = make([]bool, len(r))
		for x, c := range r {
			g[y][x] = c == '#'
		}
	}
	return g
}

func (g Grid) alive(x, y int) bool {
	h, w := len(g), len(g[0])
	return g[(y+h)%h][(x+w)%w]
}

func (g Grid) Step() Grid {
	next := make(Grid, len(g))
	for y := range g {
		next[y] = make([]bool, len(g[y]))
		for x := range g[y] {
			n := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if (dx != 0 || dy != 0) && g.alive(x+dx, y+dy) {
						n++
					}
				}
			}
			next[y][x] = n == 3 || (n == 2 && g[y][x])
		}
	}
	return next
}

func (g Grid) String() string {
	var b strings.Builder
	for _, row := range g {
		for _, c := range row {
			if c {
				b.WriteByte('#')
			} else {
				b.WriteByte('.')
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func main() {
	g := NewGrid(".#....", "..#...", "###...", "......", "......")
	for i := range 3 {
		fmt.Printf("generation %d\n%v", i, g)
		g = g.Step()
	}
}
