// Issue 12, row 8: each iteration has its own loop variable, also for
// goroutines that run after the loop has moved on.
package main

import (
	"fmt"
	"sync"
)

func main() {
	start := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]int, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = i * 10
		}()
	}
	close(start)
	wg.Wait()
	fmt.Println(results)

	gate := make(chan struct{})
	var wg2 sync.WaitGroup
	squares := make([]int, 4)
	for i := 0; i < 4; i++ {
		wg2.Go(func() {
			<-gate
			squares[i] = i * i
		})
	}
	close(gate)
	wg2.Wait()
	fmt.Println(squares)
}
