// An iterator sees yield return false when the loop breaks, and runs its
// cleanup.
package main

import "fmt"

func items(names ...string) func(func(string) bool) {
	return func(yield func(string) bool) {
		defer fmt.Println("iterator cleanup")
		for _, n := range names {
			fmt.Println("yielding", n)
			if !yield(n) {
				fmt.Println("stopped early")
				return
			}
		}
	}
}

func main() {
	for n := range items("a", "b", "c", "d") {
		if n == "b" {
			break
		}
		fmt.Println("got", n)
	}
	fmt.Println("after loop")
}
