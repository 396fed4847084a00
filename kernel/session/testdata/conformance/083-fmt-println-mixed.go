// Println of mixed values, including pointers to declared structs in slices.
package main

import "fmt"

type Node struct {
	Val  int
	Next *Node
}

func main() {
	list := &Node{1, &Node{2, nil}}
	fmt.Println(list.Val, list.Next.Val, list.Next.Next)
	fmt.Println(*list.Next)
	fmt.Printf("%+v\n", *list.Next)
	vals := []any{1, "a", 2.5, nil, []string{"x"}, map[string]int{"k": 1}, struct{}{}}
	fmt.Println(vals...)
	fmt.Println(vals)
}
