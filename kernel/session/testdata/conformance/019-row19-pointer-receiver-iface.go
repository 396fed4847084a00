// Issue 12, row 19: a value does not have its pointer receiver's methods.
package main

import "fmt"

type Abser interface{ Abs() int }

type V struct{ x int }

func (v *V) Abs() int {
	if v.x < 0 {
		return -v.x
	}
	return v.x
}

func main() {
	var a Abser = V{5}
	fmt.Println(a.Abs())
}
