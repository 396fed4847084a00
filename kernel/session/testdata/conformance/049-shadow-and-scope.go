// Scopes: package variables, shadowing in if and for, and closures over
// the right variable.
package main

import "fmt"

var x = "package"

func show() { fmt.Println("show sees", x) }

func main() {
	fmt.Println(x)
	x := "main"
	fmt.Println(x)
	show()
	if x := 1; x > 0 {
		fmt.Println("if sees", x)
	}
	for x := 0; x < 1; x++ {
		fmt.Println("for sees", x)
	}
	{
		x := true
		fmt.Println("block sees", x)
	}
	fmt.Println(x)
}
