// container/list as a queue and an LRU order.
package main

import (
	"container/list"
	"fmt"
)

func main() {
	l := list.New()
	l.PushBack("b")
	l.PushBack("c")
	l.PushFront("a")
	for e := l.Front(); e != nil; e = e.Next() {
		fmt.Print(e.Value, " ")
	}
	fmt.Println(l.Len())
	l.MoveToBack(l.Front())
	for e := l.Front(); e != nil; e = e.Next() {
		fmt.Print(e.Value, " ")
	}
	fmt.Println()
	l.Remove(l.Back())
	fmt.Println(l.Front().Value, l.Back().Value, l.Len())
}
