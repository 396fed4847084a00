// A recursive tree walk as an iterator.
package main

import (
	"fmt"
	"iter"
)

type Node struct {
	Val         int
	Left, Right *Node
}

func (n *Node) All() iter.Seq[int] {
	return func(yield func(int) bool) {
		n.walk(yield)
	}
}

func (n *Node) walk(yield func(int) bool) bool {
	if n == nil {
		return true
	}
	return n.Left.walk(yield) && yield(n.Val) && n.Right.walk(yield)
}

func main() {
	t := &Node{4, &Node{2, &Node{1, nil, nil}, &Node{3, nil, nil}}, &Node{6, nil, &Node{7, nil, nil}}}
	for v := range t.All() {
		fmt.Print(v, " ")
	}
	fmt.Println()
	for v := range t.All() {
		if v > 3 {
			break
		}
		fmt.Print(v, " ")
	}
	fmt.Println()
}
