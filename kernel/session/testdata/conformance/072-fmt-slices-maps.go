// Slices, arrays and maps under different verbs; map keys print sorted.
package main

import "fmt"

func main() {
	xs := []int{10, 255, 3}
	fmt.Printf("%v %d %x %X %o\n", xs, xs, xs, xs, xs)
	fmt.Printf("%#v %T\n", xs, xs)
	ss := []string{"a b", "c"}
	fmt.Printf("%v %q %#v\n", ss, ss, ss)
	m := map[string]int{"zeta": 26, "alpha": 1, "mid": 13}
	fmt.Printf("%v\n%#v\n", m, m)
	mi := map[int]string{3: "c", 1: "a", 2: "b"}
	fmt.Println(mi)
	arr := [3]bool{true}
	fmt.Printf("%v %#v\n", arr, arr)
	fmt.Printf("%5v|%-4v|\n", []int{1, 2}, []int{3})
	bs := []byte("Go")
	fmt.Printf("%v %s %x %q\n", bs, bs, bs, bs)
}
