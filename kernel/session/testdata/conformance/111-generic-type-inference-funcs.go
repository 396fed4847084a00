// Inference of type arguments from function arguments.
package main

import "fmt"

func Apply[T any, R any](v T, fs ...func(T) R) []R {
	out := make([]R, 0, len(fs))
	for _, f := range fs {
		out = append(out, f(v))
	}
	return out
}

func Ptr[T any](v T) *T { return &v }

func First[S ~[]E, E any](s S) (E, bool) {
	if len(s) == 0 {
		var z E
		return z, false
	}
	return s[0], true
}

type Names []string

func main() {
	double := func(x int) int { return 2 * x }
	square := func(x int) int { return x * x }
	fmt.Println(Apply(7, double, square))
	p := Ptr("boxed")
	fmt.Println(*p)
	fmt.Println(First(Names{"ann", "bo"}))
	fmt.Println(First([]float64{}))
}
