// Type constraints with unions and ~ and the cmp.Ordered constraint.
package main

import (
	"cmp"
	"fmt"
)

type Number interface {
	~int | ~int64 | ~float64
}

func Sum[T Number](xs ...T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

func MaxOf[T cmp.Ordered](a T, rest ...T) T {
	m := a
	for _, x := range rest {
		if x > m {
			m = x
		}
	}
	return m
}

type Meters float64

func main() {
	fmt.Println(Sum(1, 2, 3), Sum(1.5, 2.5))
	fmt.Println(Sum[Meters](1.25, 2))
	fmt.Printf("%T\n", Sum[Meters](1))
	fmt.Println(MaxOf(3, 9, 2), MaxOf("pear", "apple", "zucchini"))
}
