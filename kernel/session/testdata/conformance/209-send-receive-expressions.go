// Receive expressions used as values, channels of channels, nil channels
// in select.
package main

import "fmt"

func main() {
	reqs := make(chan chan string, 1)
	go func() {
		reply := <-reqs
		reply <- "pong"
	}()
	r := make(chan string)
	reqs <- r
	fmt.Println(<-r)

	a := make(chan int, 2)
	a <- 1
	a <- 2
	fmt.Println(<-a + <-a)

	var off chan int
	on := make(chan int, 1)
	on <- 5
	select {
	case v := <-off:
		fmt.Println("never", v)
	case v := <-on:
		fmt.Println("from on", v)
	}
}
