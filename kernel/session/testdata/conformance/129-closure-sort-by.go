// Sorting by a key chosen with a closure.
package main

import (
	"fmt"
	"sort"
)

type Planet struct {
	Name string
	Mass float64
	Dist float64
}

type By func(a, b *Planet) bool

func (by By) Sort(ps []Planet) {
	sort.Slice(ps, func(i, j int) bool { return by(&ps[i], &ps[j]) })
}

func main() {
	ps := []Planet{{"Mercury", 0.055, 0.4}, {"Earth", 1, 1}, {"Mars", 0.107, 1.5}, {"Venus", 0.815, 0.7}}
	By(func(a, b *Planet) bool { return a.Name < b.Name }).Sort(ps)
	fmt.Println(ps)
	By(func(a, b *Planet) bool { return a.Mass < b.Mass }).Sort(ps)
	fmt.Println(ps)
	By(func(a, b *Planet) bool { return a.Dist > b.Dist }).Sort(ps)
	fmt.Println(ps[0].Name)
}
