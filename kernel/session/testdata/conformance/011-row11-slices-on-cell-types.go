// Issue 12, row 11: generic slices functions on slices of declared types.
package main

import (
	"cmp"
	"fmt"
	"slices"
)

type person struct {
	name string
	age  int
}

type celsius float64

func main() {
	people := []person{{"Ann", 30}, {"Bob", 25}, {"Cid", 35}}
	slices.SortFunc(people, func(a, b person) int { return cmp.Compare(a.age, b.age) })
	fmt.Println(people)
	temps := []celsius{21.5, 19, 25}
	fmt.Println(slices.Contains(temps, 19))
	fmt.Println(slices.Index(people, person{"Cid", 35}))
	slices.Sort(temps)
	fmt.Println(temps)
}
