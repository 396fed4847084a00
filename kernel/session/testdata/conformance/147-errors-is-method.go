// An error type with an Is method to match by kind.
package main

import (
	"errors"
	"fmt"
)

type Kind int

const (
	Timeout Kind = iota + 1
	Denied
)

type OpError struct {
	Op   string
	Kind Kind
}

func (e OpError) Error() string { return fmt.Sprintf("%s failed (kind %d)", e.Op, e.Kind) }

func (e OpError) Is(target error) bool {
	t, ok := target.(OpError)
	return ok && t.Op == "" && t.Kind == e.Kind
}

func main() {
	err := fmt.Errorf("sync: %w", OpError{"upload", Timeout})
	fmt.Println(err)
	fmt.Println(errors.Is(err, OpError{Kind: Timeout}))
	fmt.Println(errors.Is(err, OpError{Kind: Denied}))
}
