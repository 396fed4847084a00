// A context cancelled by the caller stops a generator.
package main

import (
	"context"
	"fmt"
)

func counter(ctx context.Context) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case ch <- i:
			}
		}
	}()
	return ch
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	for n := range counter(ctx) {
		fmt.Println(n)
		if n == 4 {
			cancel()
			break
		}
	}
	fmt.Println(ctx.Err())
	ctx2, cancel2 := context.WithCancelCause(context.Background())
	cancel2(fmt.Errorf("shutting down"))
	fmt.Println(ctx2.Err(), context.Cause(ctx2))
}
