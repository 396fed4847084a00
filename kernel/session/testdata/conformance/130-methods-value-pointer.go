// Value and pointer receivers.
package main

import (
	"fmt"
	"math"
)

type Vertex struct{ X, Y float64 }

func (v Vertex) Abs() float64 { return math.Sqrt(v.X*v.X + v.Y*v.Y) }

func (v *Vertex) Scale(f float64) {
	v.X *= f
	v.Y *= f
}

func (v Vertex) ScaledCopy(f float64) Vertex {
	v.X *= f
	v.Y *= f
	return v
}

func main() {
	v := Vertex{3, 4}
	fmt.Println(v.Abs())
	v.Scale(10)
	fmt.Println(v, v.Abs())
	c := v.ScaledCopy(0.1)
	fmt.Println(v, c)
	p := &Vertex{6, 8}
	fmt.Println(p.Abs())
	p.Scale(0.5)
	fmt.Println(*p)
}
