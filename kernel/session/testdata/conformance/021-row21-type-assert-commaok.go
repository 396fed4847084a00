// Issue 12, row 21: the comma-ok type assertion at the top of main.
package main

import "fmt"

func main() {
	var i any = "hello"
	s, ok := i.(string)
	fmt.Println(s, ok)
	f, ok := i.(float64)
	fmt.Println(f, ok)
}
