// Functions as values and as arguments.
package main

import (
	"fmt"
	"strings"
)

func apply(xs []int, f func(int) int) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func double(x int) int { return 2 * x }

func main() {
	fmt.Println(apply([]int{1, 2, 3}, double))
	fmt.Println(apply([]int{1, 2, 3}, func(x int) int { return x * x }))
	ops := map[string]func(float64, float64) float64{
		"add": func(a, b float64) float64 { return a + b },
		"mul": func(a, b float64) float64 { return a * b },
	}
	fmt.Println(ops["add"](2, 3), ops["mul"](2, 3))
	var f func(string) string = strings.ToUpper
	fmt.Println(f("shout"), f != nil)
}
