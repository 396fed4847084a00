// sort: Ints, Strings, Slice, SliceStable and Search.
package main

import (
	"fmt"
	"sort"
)

type word struct {
	text string
	n    int
}

func main() {
	ints := []int{5, 2, 8, 1}
	sort.Ints(ints)
	fmt.Println(ints, sort.SearchInts(ints, 5))
	strs := []string{"pear", "Apple", "banana"}
	sort.Strings(strs)
	fmt.Println(strs)
	sort.Sort(sort.Reverse(sort.IntSlice(ints)))
	fmt.Println(ints)
	ws := []word{{"b", 2}, {"a", 2}, {"c", 1}, {"d", 2}}
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].n < ws[j].n })
	fmt.Println(ws)
	i := sort.Search(100, func(i int) bool { return i*i >= 50 })
	fmt.Println(i)
	fs := []float64{2.5, -1, 3}
	sort.Float64s(fs)
	fmt.Println(fs, sort.Float64sAreSorted(fs))
}
