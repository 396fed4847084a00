// Issue 12, row 14: a deferred recover in main stops the panic.
package main

import "fmt"

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	fmt.Println("start")
	panic("a problem")
}
