// Issue 12, row 17: a deferred call's arguments are evaluated at the
// defer statement.
package main

import "fmt"

func g() {
	x := 1
	defer fmt.Println("deferred x =", x)
	x = 2
	fmt.Println("x =", x)
}

func main() {
	g()
	for i := 0; i < 3; i++ {
		defer fmt.Println("deferred i =", i)
	}
	fmt.Println("end of main")
}
