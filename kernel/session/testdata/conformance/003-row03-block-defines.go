// Issue 12, row 3: multi-value defines inside if, for and bare blocks.
package main

import (
	"fmt"
	"strconv"
)

func main() {
	if true {
		n, err := strconv.Atoi("12")
		fmt.Println(n, err)
	}
	for i := 0; i < 2; i++ {
		q, r := i/2, i%2
		fmt.Println(q, r)
	}
	{
		m := map[string]bool{"go": true}
		v, ok := m["go"]
		fmt.Println(v, ok)
	}
	if n, err := strconv.Atoi("x1"); err != nil {
		fmt.Println("bad number:", n, err)
	}
}
