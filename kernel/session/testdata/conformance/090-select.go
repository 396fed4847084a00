// select over several ready channels in a deterministic order, and default.
package main

import "fmt"

func main() {
	a := make(chan int, 1)
	b := make(chan string, 1)
	select {
	case v := <-a:
		fmt.Println("a", v)
	default:
		fmt.Println("nothing ready")
	}
	a <- 1
	select {
	case v := <-a:
		fmt.Println("a", v)
	case s := <-b:
		fmt.Println("b", s)
	}
	b <- "hi"
	select {
	case v := <-a:
		fmt.Println("a", v)
	case s, ok := <-b:
		fmt.Println("b", s, ok)
	}
	quit := make(chan struct{})
	data := make(chan int)
	go func() {
		for i := range 3 {
			data <- i
		}
		close(quit)
	}()
	for {
		select {
		case v := <-data:
			fmt.Println("data", v)
		case <-quit:
			fmt.Println("quit")
			return
		}
	}
}
