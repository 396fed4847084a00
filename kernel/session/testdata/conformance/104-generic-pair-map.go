// Generic types with several parameters, and comparable keys.
package main

import (
	"fmt"
	"sort"
)

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func Entries[K comparable, V any](m map[K]V, less func(a, b K) bool) []Pair[K, V] {
	out := make([]Pair[K, V], 0, len(m))
	for k, v := range m {
		out = append(out, Pair[K, V]{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return less(out[i].Key, out[j].Key) })
	return out
}

func main() {
	m := map[string]int{"b": 2, "a": 1, "c": 3}
	for _, p := range Entries(m, func(a, b string) bool { return a < b }) {
		fmt.Println(p.Key, p.Val)
	}
	fmt.Println(Entries(map[int]bool{2: true, 1: false}, func(a, b int) bool { return a < b }))
}
