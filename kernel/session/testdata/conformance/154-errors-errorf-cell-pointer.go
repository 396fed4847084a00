// %w with a pointer to an error struct declared in the program, and
// errors.Is against that same pointer.
package main

import (
	"errors"
	"fmt"
)

type TimeoutError struct{ Seconds int }

func (t *TimeoutError) Error() string { return fmt.Sprintf("timed out after %ds", t.Seconds) }

var ErrSlow = &TimeoutError{30}

func call() error { return fmt.Errorf("call api: %w", ErrSlow) }

func main() {
	err := call()
	fmt.Println(err)
	fmt.Println(errors.Is(err, ErrSlow))
	var te *TimeoutError
	fmt.Println(errors.As(err, &te), te == ErrSlow)
	fmt.Printf("%v|%s|%q\n", err, err, err)
}
