// if with an init statement, else if chains.
package main

import "fmt"

func classify(n int) string {
	if n < 0 {
		return "negative"
	} else if n == 0 {
		return "zero"
	} else if n%2 == 0 {
		return "even"
	}
	return "odd"
}

func main() {
	for _, n := range []int{-3, 0, 4, 7} {
		fmt.Println(n, classify(n))
	}
	if v := 3 * 3; v > 5 {
		fmt.Println("big", v)
	} else {
		fmt.Println("small", v)
	}
}
