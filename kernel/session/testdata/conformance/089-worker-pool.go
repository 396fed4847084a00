// A worker pool: jobs in, results out, results sorted before printing.
package main

import (
	"fmt"
	"sort"
	"sync"
)

type result struct {
	job, square int
}

func main() {
	jobs := make(chan int, 10)
	results := make(chan result, 10)
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- result{j, j * j}
			}
		}()
	}
	for j := 1; j <= 6; j++ {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	close(results)
	var all []result
	for r := range results {
		all = append(all, r)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].job < all[j].job })
	for _, r := range all {
		fmt.Printf("%d -> %d\n", r.job, r.square)
	}
}
