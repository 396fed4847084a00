// A constraint with a method, satisfied by declared types.
package main

import (
	"fmt"
	"strings"
)

type Shape interface {
	Area() float64
	Name() string
}

type Rect struct{ W, H float64 }
type Circle struct{ R float64 }

func (r Rect) Area() float64   { return r.W * r.H }
func (r Rect) Name() string    { return "rect" }
func (c Circle) Area() float64 { return 3 * c.R * c.R }
func (c Circle) Name() string  { return "circle" }

func Largest[S Shape](shapes []S) S {
	best := shapes[0]
	for _, s := range shapes[1:] {
		if s.Area() > best.Area() {
			best = s
		}
	}
	return best
}

func Describe[S Shape](shapes ...S) string {
	var parts []string
	for _, s := range shapes {
		parts = append(parts, fmt.Sprintf("%s=%.1f", s.Name(), s.Area()))
	}
	return strings.Join(parts, ", ")
}

func main() {
	rects := []Rect{{1, 2}, {3, 4}, {2, 2}}
	fmt.Println(Largest(rects))
	fmt.Println(Describe[Shape](Rect{1, 1}, Circle{1}))
}
