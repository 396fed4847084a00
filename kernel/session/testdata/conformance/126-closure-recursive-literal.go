// A recursive function literal declared with var.
package main

import "fmt"

func main() {
	var walk func(n int, path string) []string
	walk = func(n int, path string) []string {
		if n == 0 {
			return []string{path}
		}
		return append(walk(n-1, path+"L"), walk(n-1, path+"R")...)
	}
	fmt.Println(walk(2, ""))
	fact := func() func(int) int {
		var f func(int) int
		f = func(n int) int {
			if n == 0 {
				return 1
			}
			return n * f(n-1)
		}
		return f
	}()
	fmt.Println(fact(6))
}
