// Two goroutines taking turns through unbuffered channels.
package main

import "fmt"

func player(name string, in <-chan int, out chan<- int, done chan<- bool) {
	for {
		n, ok := <-in
		if !ok {
			done <- true
			return
		}
		fmt.Println(name, n)
		if n >= 5 {
			close(out)
			done <- true
			return
		}
		out <- n + 1
	}
}

func main() {
	ping, pong := make(chan int), make(chan int)
	done := make(chan bool)
	go player("ping", ping, pong, done)
	go player("pong", pong, ping, done)
	ping <- 0
	<-done
	<-done
}
