// range over slices, arrays, strings, maps (sorted), channels and ints.
package main

import (
	"fmt"
	"sort"
)

func main() {
	for i, v := range []string{"a", "b", "c"} {
		fmt.Print(i, v, " ")
	}
	fmt.Println()
	arr := [3]int{7, 8, 9}
	for i := range arr {
		arr[i] *= 2
	}
	fmt.Println(arr)
	for i, r := range "héllo" {
		fmt.Print(i, ":", string(r), " ")
	}
	fmt.Println()
	m := map[string]int{"x": 1, "y": 2, "z": 3}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Print(k, "=", m[k], " ")
	}
	fmt.Println()
	ch := make(chan int, 3)
	ch <- 1
	ch <- 2
	ch <- 3
	close(ch)
	for v := range ch {
		fmt.Print(v, " ")
	}
	fmt.Println()
	for range 2 {
		fmt.Println("again")
	}
}
