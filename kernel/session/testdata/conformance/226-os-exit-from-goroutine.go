// os.Exit in a goroutine ends the program at once: no deferred call runs,
// neither the goroutine's nor main's, and main prints nothing more.
package main

import (
	"fmt"
	"os"
)

func cleanup(name string) { fmt.Println("cleanup", name) }

func work(done chan<- bool) {
	defer cleanup("worker")
	fmt.Println("worker failing")
	os.Exit(2)
	done <- true
}

func main() {
	defer cleanup("main")
	for i := range 3 {
		defer fmt.Println("deferred", i)
	}
	done := make(chan bool)
	go work(done)
	<-done
	fmt.Println("unreachable")
}
