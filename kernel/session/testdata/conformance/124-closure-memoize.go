// A memoising wrapper built from closures.
package main

import "fmt"

func memo(f func(int) int) (func(int) int, *int) {
	cache := map[int]int{}
	calls := 0
	return func(n int) int {
		if v, ok := cache[n]; ok {
			return v
		}
		calls++
		v := f(n)
		cache[n] = v
		return v
	}, &calls
}

func main() {
	var fib func(int) int
	fib, calls := memo(func(n int) int {
		if n < 2 {
			return n
		}
		return fib(n-1) + fib(n-2)
	})
	fmt.Println(fib(50), *calls)
	fmt.Println(fib(50), *calls)
}
