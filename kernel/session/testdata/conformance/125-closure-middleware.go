// Function wrappers in the style of HTTP middleware.
package main

import (
	"fmt"
	"strings"
)

type Handler func(string) string

func Logging(prefix string, next Handler) Handler {
	return func(s string) string {
		fmt.Println(prefix, "in:", s)
		out := next(s)
		fmt.Println(prefix, "out:", out)
		return out
	}
}

func Upper(next Handler) Handler {
	return func(s string) string { return next(strings.ToUpper(s)) }
}

func main() {
	h := Logging("outer", Upper(Logging("inner", func(s string) string { return s + "!" })))
	fmt.Println(h("hey"))
}
