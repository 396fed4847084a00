// Recovering a panic whose value is an error, and re-wrapping it.
package main

import (
	"errors"
	"fmt"
)

var ErrBad = errors.New("bad input")

func mustPositive(n int) int {
	if n <= 0 {
		panic(fmt.Errorf("mustPositive(%d): %w", n, ErrBad))
	}
	return n
}

func safe(n int) (v int, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
				return
			}
			err = fmt.Errorf("%v", r)
		}
	}()
	return mustPositive(n), nil
}

func main() {
	fmt.Println(safe(5))
	v, err := safe(-1)
	fmt.Println(v, err, errors.Is(err, ErrBad))
}
