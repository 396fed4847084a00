// Explicit instantiation, generic function values and zero values.
package main

import "fmt"

func Zero[T any]() T {
	var z T
	return z
}

func Repeat[T any](v T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}

type Opt[T any] struct {
	v  T
	ok bool
}

func Some[T any](v T) Opt[T] { return Opt[T]{v, true} }

func (o Opt[T]) OrElse(d T) T {
	if o.ok {
		return o.v
	}
	return d
}

func main() {
	fmt.Printf("%q %v %v\n", Zero[string](), Zero[int](), Zero[*int]())
	rep := Repeat[float64]
	fmt.Println(rep(1.5, 3))
	fmt.Println(Repeat("ab", 2))
	fmt.Println(Some(3).OrElse(9), Opt[int]{}.OrElse(9))
}
