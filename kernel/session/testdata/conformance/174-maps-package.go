// The maps package.
package main

import (
	"fmt"
	"maps"
	"slices"
)

func main() {
	m := map[string]int{"a": 1, "b": 2}
	c := maps.Clone(m)
	c["c"] = 3
	fmt.Println(len(m), len(c), maps.Equal(m, c))
	maps.Copy(m, map[string]int{"b": 20, "d": 4})
	fmt.Println(m)
	maps.DeleteFunc(m, func(k string, v int) bool { return v > 10 })
	fmt.Println(m)
	keys := slices.Collect(maps.Keys(c))
	slices.Sort(keys)
	fmt.Println(keys)
	inv := map[int]string{}
	for k, v := range maps.All(c) {
		inv[v] = k
	}
	fmt.Println(inv)
}
