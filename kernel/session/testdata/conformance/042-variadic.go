// Variadic functions and passing a slice with ....
package main

import "fmt"

func sum(nums ...int) int {
	total := 0
	for _, n := range nums {
		total += n
	}
	return total
}

func join(sep string, parts ...string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += sep
		}
		out += p
	}
	return out
}

func main() {
	fmt.Println(sum(), sum(1, 2), sum(1, 2, 3, 4))
	xs := []int{10, 20, 30}
	fmt.Println(sum(xs...))
	fmt.Println(join("-", "a", "b", "c"))
	fmt.Println(join(","))
}
