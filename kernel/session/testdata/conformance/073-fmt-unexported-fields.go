// Unexported and embedded fields in %+v and %#v.
package main

import "fmt"

type base struct {
	id int
}

type user struct {
	base
	name  string
	email string
	admin bool
}

func main() {
	u := user{base{7}, "kim", "kim@example.com", true}
	fmt.Printf("%v\n%+v\n%#v\n%T\n", u, u, u, u)
	pu := &u
	fmt.Printf("%v %+v\n", pu, pu)
}
