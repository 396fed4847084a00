// Structs: literals, pointers, comparison and anonymous structs.
package main

import "fmt"

type Vertex struct {
	X, Y int
}

func main() {
	v := Vertex{1, 2}
	v.X = 4
	p := &v
	p.Y = 9
	fmt.Println(v, *p, v == Vertex{4, 9})
	w := Vertex{X: 1}
	fmt.Println(w)
	point := struct {
		Name string
		Age  int
	}{"Gopher", 13}
	fmt.Println(point.Name, point.Age)
	vs := []Vertex{{1, 2}, {3, 4}}
	for i := range vs {
		vs[i].X *= 10
	}
	fmt.Println(vs)
}
