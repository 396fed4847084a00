// iter.Pull turns a push iterator into next and stop functions.
package main

import (
	"fmt"
	"iter"
)

func evens(limit int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i <= limit; i += 2 {
			if !yield(i) {
				return
			}
		}
	}
}

func main() {
	next, stop := iter.Pull(evens(6))
	defer stop()
	for {
		v, ok := next()
		if !ok {
			break
		}
		fmt.Println("pulled", v)
	}
	next2, stop2 := iter.Pull(evens(100))
	a, _ := next2()
	b, _ := next2()
	stop2()
	_, ok := next2()
	fmt.Println(a, b, ok)
}
