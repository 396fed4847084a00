// Issue 12, row 10: importing package iter.
package main

import (
	"fmt"
	"iter"
)

func countdown(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := n; i > 0; i-- {
			if !yield(i) {
				return
			}
		}
	}
}

func main() {
	for v := range countdown(3) {
		fmt.Println(v)
	}
	fmt.Println("liftoff")
}
