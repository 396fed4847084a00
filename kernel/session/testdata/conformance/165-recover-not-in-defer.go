// recover outside a deferred call returns nil; integer division by zero.
package main

import "fmt"

func try(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return "no panic"
}

func main() {
	fmt.Println(recover())
	zero := 0
	fmt.Println(try(func() { fmt.Println(10 / zero) }))
	fmt.Println(try(func() {}))
	var arr []int
	fmt.Println(try(func() { _ = arr[3] }))
}
