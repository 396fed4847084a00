// Ranging over slices, arrays and maps whose elements are channels.
package main

import (
	"fmt"
	"sort"
)

type result chan string

func square(n int, out chan<- int) { out <- n * n }

func main() {
	outs := make([]chan int, 4)
	for i := range outs {
		outs[i] = make(chan int, 1)
		go square(i+1, outs[i])
	}
	sum := 0
	for i, c := range outs {
		v := <-c
		fmt.Println(i, v)
		sum += v
	}
	fmt.Println("sum", sum)

	var slots [3]result
	for i := range slots {
		slots[i] = make(result, 1)
	}
	for i, r := range &slots {
		r <- fmt.Sprint("slot ", i)
	}
	for _, r := range slots {
		fmt.Println(<-r)
	}

	byName := map[string]chan int{"b": make(chan int, 1), "a": make(chan int, 1)}
	for name, c := range byName {
		c <- len(name) + int(name[0])
	}
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Println(name, <-byName[name])
	}
	for _, c := range byName {
		close(c)
	}
	closed := 0
	for _, c := range byName {
		if _, ok := <-c; !ok {
			closed++
		}
	}
	fmt.Println("closed", closed)
}
