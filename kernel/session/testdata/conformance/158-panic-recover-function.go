// Recover inside a function turns a panic into an error; main goes on.
package main

import "fmt"

func divide(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return a / b, nil
}

func main() {
	fmt.Println(divide(10, 2))
	fmt.Println(divide(1, 0))
	fmt.Println("still running")
}
