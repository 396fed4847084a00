// A goroutine recovers its own panic and reports it on a channel.
package main

import "fmt"

func safeGo(f func()) <-chan any {
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		f()
	}()
	return done
}

func main() {
	r := <-safeGo(func() { panic("worker failed") })
	fmt.Println("got:", r)
	r = <-safeGo(func() { fmt.Println("worker fine") })
	fmt.Println("got:", r)
}
