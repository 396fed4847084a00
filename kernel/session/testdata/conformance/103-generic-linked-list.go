// A generic linked list, as in the tour's exercise.
package main

import "fmt"

type List[T any] struct {
	next *List[T]
	val  T
}

func (l *List[T]) Push(v T) *List[T] {
	return &List[T]{next: l, val: v}
}

func (l *List[T]) Each(f func(T)) {
	for n := l; n != nil; n = n.next {
		f(n.val)
	}
}

func main() {
	var l *List[int]
	for i := range 4 {
		l = l.Push(i * i)
	}
	l.Each(func(v int) { fmt.Print(v, " ") })
	fmt.Println()
	var words *List[string]
	words = words.Push("world").Push("hello")
	words.Each(func(s string) { fmt.Print(s, " ") })
	fmt.Println()
}
