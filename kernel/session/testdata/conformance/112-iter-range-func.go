// Range over functions: the three shapes of iterator.
package main

import "fmt"

func three(yield func() bool) {
	for range 3 {
		if !yield() {
			return
		}
	}
}

func upTo(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := 1; i <= n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func indexed(words []string) func(func(int, string) bool) {
	return func(yield func(int, string) bool) {
		for i, w := range words {
			if !yield(i, w) {
				return
			}
		}
	}
}

func main() {
	n := 0
	for range three {
		n++
	}
	fmt.Println(n)
	for v := range upTo(5) {
		if v == 4 {
			break
		}
		fmt.Print(v, " ")
	}
	fmt.Println()
	for i, w := range indexed([]string{"x", "y"}) {
		fmt.Println(i, w)
	}
}
