// Parsing with fmt.Sscanf and fmt.Sscan.
package main

import "fmt"

func main() {
	var name string
	var age int
	n, err := fmt.Sscanf("gopher 13", "%s %d", &name, &age)
	fmt.Println(n, err, name, age)
	var a, b float64
	fmt.Sscan("1.5 2.25", &a, &b)
	fmt.Println(a + b)
	var x, y int
	_, err = fmt.Sscanf("10,x", "%d,%d", &x, &y)
	fmt.Println(x, y, err)
}
