// Slices: append, len and cap, sharing the underlying array, copy.
package main

import "fmt"

func main() {
	var s []int
	for i := range 5 {
		s = append(s, i*i)
	}
	fmt.Println(s, len(s))
	t := s[1:3]
	t[0] = 100
	fmt.Println(s, t, len(t), cap(t))
	u := make([]int, 2, 10)
	fmt.Println(u, len(u), cap(u))
	n := copy(u, s)
	fmt.Println(n, u)
	s = append(s, []int{7, 8}...)
	fmt.Println(s)
	full := s[1:3:3]
	full = append(full, -1)
	fmt.Println(s[3], full)
	var empty []string
	fmt.Println(empty == nil, len(empty))
}
