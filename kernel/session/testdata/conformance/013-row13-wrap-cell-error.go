// Issue 12, row 13: %w with an error type declared in the program, and
// errors.As and errors.Is through the wrapping.
package main

import (
	"errors"
	"fmt"
)

type NotFound struct{ Name string }

func (e NotFound) Error() string { return e.Name + " not found" }

func main() {
	err := fmt.Errorf("lookup: %w", NotFound{"x"})
	fmt.Println(err)
	var nf NotFound
	fmt.Println(errors.As(err, &nf), nf.Name)
	fmt.Println(errors.Is(err, NotFound{"x"}))
	fmt.Println(errors.Unwrap(err) == NotFound{"x"})
}
