// Issue 12, row 5: new(expr) (Go 1.26) and generic slices functions whose
// results initialise variables at the top of main.
package main

import (
	"fmt"
	"slices"
)

func main() {
	p := new(42)
	fmt.Println(*p)
	xs := []int{3, 1, 4, 1, 5}
	x := slices.Max(xs)
	s := slices.IsSorted(xs)
	fmt.Println(x, s)
	name := new("gopher")
	fmt.Println(*name, len(*name))
}
