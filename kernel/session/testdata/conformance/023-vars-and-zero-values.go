// Variable declarations and zero values.
package main

import "fmt"

var (
	count  int
	ratio  float64
	ready  bool
	label  string
	ptr    *int
	nums   []int
	lookup map[string]int
)

func main() {
	fmt.Println(count, ratio, ready, label == "", ptr == nil, nums == nil, lookup == nil)
	fmt.Printf("%v %v %v %q %v %v %v\n", count, ratio, ready, label, ptr, nums, lookup)
	var a, b, c = 1, 2.5, "three"
	fmt.Println(a, b, c)
	x, y := 10, 20
	x, y = y, x
	fmt.Println(x, y)
}
