// Pointers: address-of, dereference, pointers to struct fields.
package main

import "fmt"

func increment(n *int) { *n++ }

type counter struct{ hits int }

func main() {
	x := 41
	increment(&x)
	fmt.Println(x)
	p := &x
	*p = *p * 2
	fmt.Println(x, *p == x)
	c := &counter{}
	c.hits++
	h := &c.hits
	*h += 10
	fmt.Println(c.hits)
	var np *int
	fmt.Println(np == nil)
	pp := &p
	**pp = 1
	fmt.Println(x)
}
