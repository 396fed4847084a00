// The builtin functions: min, max, clear, len, cap, append, copy, delete,
// new, make, complex, real, imag.
package main

import "fmt"

func main() {
	fmt.Println(min(3, 1, 2), max(2.5, 1), min("b", "a", "c"))
	xs := []int{1, 2, 3}
	clear(xs)
	fmt.Println(xs, len(xs))
	m := map[string]int{"a": 1, "b": 2}
	clear(m)
	fmt.Println(m, len(m))
	s := make([]string, 1, 4)
	s = append(s, "x")
	fmt.Println(len(s), cap(s), s)
	dst := make([]byte, 3)
	n := copy(dst, "hello")
	fmt.Println(n, string(dst))
	p := new(int)
	*p = 7
	fmt.Println(*p)
	c := complex(3, 4)
	fmt.Println(real(c), imag(c), c)
	ages := map[string]int{"x": 1}
	delete(ages, "x")
	delete(ages, "missing")
	fmt.Println(ages)
}
