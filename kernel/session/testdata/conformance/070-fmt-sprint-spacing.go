// Sprint puts spaces only between operands that are not strings; Sprintln
// always does.
package main

import "fmt"

func main() {
	fmt.Println(fmt.Sprint("a", "b", 1, 2, "c", 3.5, true))
	fmt.Print(fmt.Sprintln("a", "b", 1, 2))
	fmt.Print(1, 2, "\n")
	fmt.Print("x", 3, "\n")
	s := fmt.Sprintf("%d-%s", 1, "one")
	fmt.Println(s, len(s))
}
