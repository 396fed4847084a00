// panic with a formatted message after some output.
package main

import "fmt"

func check(age int) {
	if age < 0 {
		panic(fmt.Sprintf("invalid age %d", age))
	}
	fmt.Println("age ok:", age)
}

func main() {
	check(30)
	check(-1)
	fmt.Println("unreachable")
}
