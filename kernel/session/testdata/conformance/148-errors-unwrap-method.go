// A wrapper error type with its own Unwrap method.
package main

import (
	"errors"
	"fmt"
	"io/fs"
)

type QueryError struct {
	Query string
	Err   error
}

func (e *QueryError) Error() string { return e.Query + ": " + e.Err.Error() }
func (e *QueryError) Unwrap() error { return e.Err }

func main() {
	err := &QueryError{"SELECT 1", fs.ErrPermission}
	fmt.Println(err)
	fmt.Println(errors.Is(err, fs.ErrPermission))
	var qe *QueryError
	wrapped := fmt.Errorf("db: %w", err)
	fmt.Println(errors.As(wrapped, &qe), qe.Query)
	fmt.Println(errors.Unwrap(err) == fs.ErrPermission)
}
