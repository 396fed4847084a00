// A generic binary search tree with an in-order walk.
package main

import (
	"cmp"
	"fmt"
)

type Tree[T cmp.Ordered] struct {
	Left, Right *Tree[T]
	Val         T
}

func (t *Tree[T]) Insert(v T) *Tree[T] {
	if t == nil {
		return &Tree[T]{Val: v}
	}
	if v < t.Val {
		t.Left = t.Left.Insert(v)
	} else {
		t.Right = t.Right.Insert(v)
	}
	return t
}

func (t *Tree[T]) Walk(visit func(T)) {
	if t == nil {
		return
	}
	t.Left.Walk(visit)
	visit(t.Val)
	t.Right.Walk(visit)
}

func main() {
	var root *Tree[int]
	for _, v := range []int{5, 3, 8, 1, 4, 9} {
		root = root.Insert(v)
	}
	root.Walk(func(v int) { fmt.Print(v, " ") })
	fmt.Println()
	var words *Tree[string]
	for _, w := range []string{"kiwi", "apple", "mango"} {
		words = words.Insert(w)
	}
	words.Walk(func(s string) { fmt.Print(s, " ") })
	fmt.Println()
}
