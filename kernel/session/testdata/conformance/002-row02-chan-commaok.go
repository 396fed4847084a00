// Issue 12, row 2: receiving with comma-ok from a closed channel.
package main

import "fmt"

func main() {
	ch := make(chan int, 2)
	ch <- 7
	close(ch)
	x, ok := <-ch
	fmt.Println(x, ok)
	y, ok := <-ch
	fmt.Println(y, ok)
}
