// %v %+v %#v %T on a declared struct, its pointer, and nested values.
package main

import "fmt"

type Inner struct {
	A int
	B string
}

type Outer struct {
	Name  string
	In    Inner
	Ptr   *Inner
	List  []int
	Attrs map[string]int
}

func main() {
	o := Outer{Name: "o", In: Inner{1, "b"}, List: []int{1, 2}, Attrs: map[string]int{"k": 1}}
	fmt.Printf("%v\n", o)
	fmt.Printf("%+v\n", o)
	fmt.Printf("%#v\n", o)
	fmt.Printf("%T\n", o)
	fmt.Printf("%v %+v %T\n", &o.In, &o.In, &o.In)
	fmt.Printf("%#v %T\n", o.In, o.List)
}
