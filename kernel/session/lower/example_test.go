package lower_test

import (
	"fmt"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/session/lower"
)

func ExampleRewrite() {
	cell := `package main

import "fmt"

func main() {
	for i := range 3 {
		fmt.Println(min(i, 1))
	}
}
`
	out, helpers, err := lower.Rewrite([]byte(cell), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	fmt.Println(strings.Contains(string(helpers), "func __lower_min["))
	// Output:
	// package main
	//
	// import "fmt"
	//
	// func main() {
	// 	for __lower_i43, __lower_n43 := int(0), int(3); __lower_i43 < __lower_n43; __lower_i43++ { i := __lower_i43;
	// 		fmt.Println(__lower_min[int](i, 1))
	// 	}
	// }
	// true
}

func ExampleCheck() {
	context := []byte("package main\n\nfunc double(x int) int { return 2 * x }\n")
	cell := `package main

func main() {
	unused := 1
	double("two")
	fmt.Println(y)
}
`
	for _, err := range lower.Check([]byte(cell), [][]byte{context}) {
		fmt.Println(err)
	}
	// Output:
	// 5:9: cannot use "two" (untyped string constant) as int value in argument to double
	// 6:2: undefined: fmt
	// 6:14: undefined: y
}

func ExampleRewrite_notSupported() {
	cell := `package main

import "sync/atomic"

func main() {
	var p atomic.Pointer[int]
	_ = p.Load()
}
`
	_, _, err := lower.Rewrite([]byte(cell), nil)
	fmt.Println(err)
	// Output:
	// 6:8: not supported in notebook cells yet: atomic.Pointer (the interpreter cannot use this generic name of the standard library; slices, maps, cmp and sync.OnceValue work)
}
