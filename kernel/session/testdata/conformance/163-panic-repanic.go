// Recover, log and re-panic with more context.
package main

import "fmt"

func step(n int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("step", n, "failed:", r)
			panic(fmt.Sprintf("step %d: %v", n, r))
		}
	}()
	if n == 2 {
		panic("boom")
	}
	fmt.Println("step", n, "ok")
}

func main() {
	defer func() {
		r := recover()
		fmt.Println("main recovered:", r)
	}()
	for i := 1; i <= 3; i++ {
		step(i)
	}
}
