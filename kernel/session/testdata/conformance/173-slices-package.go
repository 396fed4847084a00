// The slices package on basic types.
package main

import (
	"fmt"
	"slices"
	"strings"
)

func main() {
	xs := []int{3, 1, 4, 1, 5, 9, 2, 6}
	s := slices.Clone(xs)
	slices.Sort(s)
	fmt.Println(s, xs[:3])
	fmt.Println(slices.Contains(xs, 9), slices.Index(xs, 1), slices.Min(xs), slices.Max(xs))
	i, found := slices.BinarySearch(s, 5)
	fmt.Println(i, found)
	fmt.Println(slices.Compact(s), slices.Equal(xs, s))
	r := slices.Clone(xs)
	slices.Reverse(r)
	fmt.Println(r)
	fmt.Println(slices.Insert([]int{1, 2}, 1, 9, 8), slices.Delete([]int{0, 1, 2, 3}, 1, 3))
	fmt.Println(slices.IndexFunc(xs, func(v int) bool { return v > 4 }))
	words := []string{"banana", "Apple", "cherry"}
	slices.SortFunc(words, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	fmt.Println(words)
	fmt.Println(slices.Concat([]int{1}, []int{2, 3}), slices.Repeat([]string{"a"}, 3))
}
