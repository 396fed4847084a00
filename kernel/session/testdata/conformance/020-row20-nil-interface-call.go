// Issue 12, row 20: calling a method on a nil interface panics.
package main

import "fmt"

type I interface{ M() }

func main() {
	var i I
	fmt.Println("calling M")
	i.M()
	fmt.Println("not reached")
}
