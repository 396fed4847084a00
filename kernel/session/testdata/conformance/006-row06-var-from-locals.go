// Issue 12, row 6: var declarations initialised from earlier variables.
package main

import (
	"fmt"
	"strconv"
)

func main() {
	a := 1
	var b = a + 1
	t := "6"
	var c, d = strconv.Atoi(t)
	fmt.Println(a, b, c, d)
	var e, f = b * 2, t + "!"
	fmt.Println(e, f)
}
