// fmt.Errorf with several verbs, and %w with a standard library error.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	err := fmt.Errorf("read %q at offset %d: %w", "data.txt", 12, io.EOF)
	fmt.Println(err)
	fmt.Println(errors.Is(err, io.EOF), errors.Unwrap(err) == io.EOF)
	err2 := fmt.Errorf("open: %w", os.ErrNotExist)
	fmt.Println(err2, errors.Is(err2, os.ErrNotExist))
	err3 := fmt.Errorf("no wrap: %v", io.EOF)
	fmt.Println(err3, errors.Is(err3, io.EOF))
	both := fmt.Errorf("%w and %w", io.EOF, os.ErrClosed)
	fmt.Println(both, errors.Is(both, os.ErrClosed))
}
