// Immediately invoked function literals and results from them.
package main

import "fmt"

func main() {
	total := func(xs ...int) (s int) {
		for _, x := range xs {
			s += x
		}
		return
	}(1, 2, 3)
	fmt.Println(total)
	msg := func() string {
		if total > 5 {
			return "large"
		}
		return "small"
	}()
	fmt.Println(msg)
	func() {
		fmt.Println("in a block of its own")
	}()
}
