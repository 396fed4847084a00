// Slice expressions on arrays, pointers to arrays, strings and slices.
package main

import "fmt"

func main() {
	arr := [6]int{0, 1, 2, 3, 4, 5}
	s := arr[1:4]
	fmt.Println(s, len(s), cap(s))
	p := &arr
	fmt.Println(p[2], len(p), p[4:])
	for i, v := range p {
		if i == 2 {
			break
		}
		fmt.Print(v, " ")
	}
	fmt.Println()
	str := "abcdef"
	fmt.Println(str[2:], str[:3], str[1:2])
	t := s[:cap(s)]
	fmt.Println(t)
	u := arr[2:3:4]
	fmt.Println(u, cap(u))
	var arr2 [3]string
	sl := arr2[:]
	sl[0] = "set via slice"
	fmt.Println(arr2[0])
}
