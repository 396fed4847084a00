// The first error of several goroutines, collected in order.
package main

import (
	"errors"
	"fmt"
	"sync"
)

func check(n int) error {
	if n%3 == 0 {
		return fmt.Errorf("item %d: divisible by three", n)
	}
	return nil
}

func main() {
	items := []int{1, 2, 3, 4, 5, 6}
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	start := make(chan struct{}) // all checks start together
	for i, n := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = check(n)
		}()
	}
	close(start)
	wg.Wait()
	fmt.Println(errors.Join(errs...))
	for i, err := range errs {
		if err != nil {
			fmt.Println("first error at", i, ":", err)
			break
		}
	}
}
