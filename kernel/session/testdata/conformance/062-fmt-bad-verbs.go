// What fmt prints for wrong verbs and argument counts.
package main

import "fmt"

func main() {
	fmt.Printf("%d\n", "text")
	fmt.Printf("%s\n", 12)
	fmt.Printf("%d %d\n", 1)
	fmt.Printf("%d\n", 1, 2)
	fmt.Printf("%!\n")
	fmt.Printf("%z\n", 3)
	fmt.Println(fmt.Sprintf("%t", 1))
}
