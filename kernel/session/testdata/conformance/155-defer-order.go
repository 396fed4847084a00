// Deferred calls run last in, first out, after the return value is set.
package main

import "fmt"

func trace(name string) func() {
	fmt.Println("enter", name)
	return func() { fmt.Println("leave", name) }
}

func work() int {
	defer trace("work")()
	fmt.Println("working")
	return 42
}

func main() {
	defer fmt.Println("main deferred 1")
	defer fmt.Println("main deferred 2")
	fmt.Println(work())
	for i := range 3 {
		defer func() { fmt.Println("closure sees", i) }()
	}
}
