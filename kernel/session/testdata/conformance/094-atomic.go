// sync/atomic counters.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	var ops atomic.Int64
	var old int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				ops.Add(1)
				atomic.AddInt32(&old, 2)
			}
		}()
	}
	wg.Wait()
	fmt.Println("ops:", ops.Load(), "old:", atomic.LoadInt32(&old))
	var flag atomic.Bool
	fmt.Println(flag.CompareAndSwap(false, true), flag.Load())
}
