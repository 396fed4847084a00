// Goroutines with a WaitGroup writing to their own slots.
package main

import (
	"fmt"
	"sync"
)

func worker(id int, out []string, wg *sync.WaitGroup) {
	defer wg.Done()
	out[id] = fmt.Sprintf("worker %d done", id)
}

func main() {
	var wg sync.WaitGroup
	out := make([]string, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go worker(i, out, &wg)
	}
	wg.Wait()
	for _, s := range out {
		fmt.Println(s)
	}
}
