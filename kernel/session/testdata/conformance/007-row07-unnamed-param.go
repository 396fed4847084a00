// Issue 12, row 7: functions with unnamed parameters that call others.
package main

import (
	"fmt"
	"strings"
)

func shout(int) { fmt.Println(strings.ToUpper("x")) }

func describe(_ string, n int) string {
	return fmt.Sprintf("n=%d", n)
}

func main() {
	shout(1)
	fmt.Println(describe("ignored", 3))
}
