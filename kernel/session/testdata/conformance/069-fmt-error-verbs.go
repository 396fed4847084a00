// An error value prints with its Error method under %v, %s and %q.
package main

import (
	"errors"
	"fmt"
)

type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

func main() {
	var err error = &ParseError{3, "unexpected }"}
	fmt.Println(err)
	fmt.Printf("%v|%s|%q\n", err, err, err)
	fmt.Printf("%+v\n", *err.(*ParseError))
	fmt.Printf("%T\n", err)
	plain := errors.New("plain")
	fmt.Printf("%v %T\n", plain, plain)
	var none error
	fmt.Println(none)
	fmt.Printf("%v\n", none)
}
