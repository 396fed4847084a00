// Issue 12, row 15: main is a function like any other and can be called
// again.
package main

import "fmt"

var round = 1

func main() {
	fmt.Println("round", round)
	if round < 3 {
		round++
		main()
		return
	}
	fmt.Println("done")
}
