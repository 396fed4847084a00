// The forms of the for statement.
package main

import "fmt"

func main() {
	sum := 0
	for i := 1; i <= 10; i++ {
		sum += i
	}
	fmt.Println(sum)

	n := 1
	for n < 100 {
		n *= 3
	}
	fmt.Println(n)

	k := 0
	for {
		k++
		if k == 4 {
			break
		}
	}
	fmt.Println(k)

	for i := range 3 {
		fmt.Print(i, " ")
	}
	fmt.Println()

	for i, j := 0, 10; i < j; i, j = i+1, j-2 {
		fmt.Print(i, ":", j, " ")
	}
	fmt.Println()
}
