// The tour's fibonacci closure and an adder generator.
package main

import "fmt"

func fibonacci() func() int {
	a, b := 0, 1
	return func() int {
		r := a
		a, b = b, a+b
		return r
	}
}

func adder() func(int) int {
	sum := 0
	return func(x int) int {
		sum += x
		return sum
	}
}

func main() {
	f := fibonacci()
	for range 10 {
		fmt.Print(f(), " ")
	}
	fmt.Println()
	pos, neg := adder(), adder()
	for i := range 5 {
		fmt.Println(pos(i), neg(-2*i))
	}
}
