// Issue 12, row 18: a function without a return does not compile.
package main

import "fmt"

func half(x int) int {
}

func main() {
	fmt.Println(half(4))
}
