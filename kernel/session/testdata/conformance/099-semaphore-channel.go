// A buffered channel as a semaphore limiting concurrency.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	sem := make(chan struct{}, 2)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	total := make([]int, 8)
	start := make(chan struct{}) // every worker asks at once
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			sem <- struct{}{}
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			total[i] = i * 2
			running.Add(-1)
			<-sem
		}()
	}
	close(start)
	wg.Wait()
	fmt.Println(total, peak.Load() <= 2)
}
