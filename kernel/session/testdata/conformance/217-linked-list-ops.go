// A singly linked list: build, reverse, and print with a String method.
package main

import (
	"fmt"
	"strings"
)

type Node struct {
	Val  int
	Next *Node
}

func FromSlice(xs []int) *Node {
	var head *Node
	for i := len(xs) - 1; i >= 0; i-- {
		head = &Node{xs[i], head}
	}
	return head
}

func (n *Node) String() string {
	var parts []string
	for ; n != nil; n = n.Next {
		parts = append(parts, fmt.Sprint(n.Val))
	}
	return strings.Join(parts, " -> ")
}

func Reverse(head *Node) *Node {
	var prev *Node
	for head != nil {
		head, head.Next, prev = head.Next, prev, head
	}
	return prev
}

func main() {
	l := FromSlice([]int{1, 2, 3, 4})
	fmt.Println(l)
	l = Reverse(l)
	fmt.Println(l)
	var empty *Node
	fmt.Printf("%q\n", empty.String())
}
