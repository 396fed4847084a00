// Issue 12, row 4: := in a block declares a new variable that shadows the
// outer one, also with another type.
package main

import "fmt"

func main() {
	z := 1
	for range 1 {
		z := 5
		_ = z
	}
	fmt.Println(z)

	name := "outer"
	if true {
		name := 42
		fmt.Println(name + 1)
	}
	fmt.Println(name)

	count := 10
	for i := 0; i < 2; i++ {
		count := i
		count++
	}
	fmt.Println(count)
}
