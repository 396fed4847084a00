// slices.Chunk and a generator of fibonacci numbers with a limit.
package main

import (
	"fmt"
	"iter"
	"slices"
)

func fib() iter.Seq[int] {
	return func(yield func(int) bool) {
		a, b := 0, 1
		for {
			if !yield(a) {
				return
			}
			a, b = b, a+b
		}
	}
}

func main() {
	for c := range slices.Chunk([]int{1, 2, 3, 4, 5, 6, 7}, 3) {
		fmt.Println(c)
	}
	var out []int
	for v := range fib() {
		if v > 50 {
			break
		}
		out = append(out, v)
	}
	fmt.Println(out)
}
