// An error type declared in the program, printed by Println and in a
// struct, and its %T.
package main

import "fmt"

type ValidationError struct {
	Field string
}

func (v ValidationError) Error() string { return "invalid " + v.Field }

type Result struct {
	OK  bool
	Err error
}

func main() {
	r := Result{false, ValidationError{"email"}}
	fmt.Println(r)
	fmt.Printf("%+v\n", r)
	fmt.Printf("%T %T\n", r.Err, r)
	errs := []error{ValidationError{"a"}, ValidationError{"b"}}
	fmt.Println(errs)
}
