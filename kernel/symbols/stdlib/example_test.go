package stdlib_test

import (
	"fmt"

	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
)

// An interpreter that needs only a few packages builds only their symbols.
func ExampleExports() {
	in := interp.New(interp.Options{})
	if err := in.Use(stdlib.Exports("strings", "strconv")); err != nil {
		panic(err)
	}
	if _, err := in.Eval(`import ("strconv"; "strings")`); err != nil {
		panic(err)
	}
	v, err := in.Eval(`strings.Repeat("ab", 2) + strconv.Itoa(42)`)
	if err != nil {
		panic(err)
	}
	fmt.Println(v)
	// Output: abab42
}
