// Issue 12, row 12: errors.AsType (Go 1.26).
package main

import (
	"errors"
	"fmt"
)

type MyErr struct{ Code int }

func (e *MyErr) Error() string { return fmt.Sprintf("code %d", e.Code) }

func main() {
	err := fmt.Errorf("request: %w", &MyErr{404})
	if me, ok := errors.AsType[*MyErr](err); ok {
		fmt.Println("found", me.Code)
	}
	fmt.Println(err)
	_, ok := errors.AsType[*MyErr](errors.New("plain"))
	fmt.Println(ok)
}
