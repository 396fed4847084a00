// A generic SortedKeys helper over any map with ordered keys.
package main

import (
	"cmp"
	"fmt"
	"slices"
)

func SortedKeys[M ~map[K]V, K cmp.Ordered, V any](m M) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

type Inventory map[string]int

func main() {
	inv := Inventory{"pears": 3, "apples": 5, "figs": 1}
	for _, k := range SortedKeys(inv) {
		fmt.Println(k, inv[k])
	}
	fmt.Println(SortedKeys(map[int]string{3: "c", 1: "a"}))
}
