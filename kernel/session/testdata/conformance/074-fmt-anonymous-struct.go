// Anonymous struct types print their literal type.
package main

import "fmt"

func main() {
	p := struct {
		X, Y int
	}{1, 2}
	fmt.Printf("%v %+v %#v %T\n", p, p, p, p)
	rows := []struct {
		Name string
		N    int
	}{{"a", 1}, {"b", 2}}
	fmt.Printf("%v %+v\n", rows, rows)
	fmt.Printf("%T\n", rows)
}
