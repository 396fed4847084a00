// Deferred calls run while a panic unwinds, then the program fails.
package main

import "fmt"

func inner() {
	defer fmt.Println("inner deferred")
	var p *struct{ X int }
	fmt.Println(p.X)
}

func main() {
	defer fmt.Println("main deferred")
	fmt.Println("start")
	inner()
}
