// init functions run before main, in the order written.
package main

import "fmt"

var table map[string]int

func init() {
	table = map[string]int{"one": 1}
	fmt.Println("first init")
}

func init() {
	table["two"] = 2
	fmt.Println("second init")
}

func main() {
	fmt.Println("main sees", len(table), table["two"])
}
