// Iterators from the slices and maps packages.
package main

import (
	"fmt"
	"maps"
	"slices"
)

func main() {
	xs := []string{"c", "a", "b"}
	for i, v := range slices.All(xs) {
		fmt.Print(i, v, " ")
	}
	fmt.Println()
	for v := range slices.Values(xs) {
		fmt.Print(v, " ")
	}
	fmt.Println()
	for i, v := range slices.Backward(xs) {
		fmt.Print(i, v, " ")
	}
	fmt.Println()
	m := map[string]int{"x": 1, "y": 2, "z": 3}
	keys := slices.Sorted(maps.Keys(m))
	fmt.Println(keys)
	vals := slices.Sorted(maps.Values(m))
	fmt.Println(vals)
	m2 := maps.Collect(slices.All([]string{"p", "q"}))
	fmt.Println(m2)
	fmt.Println(slices.Collect(slices.Values([]int{4, 5})))
}
