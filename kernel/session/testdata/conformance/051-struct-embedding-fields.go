// Embedded struct fields are promoted.
package main

import "fmt"

type Address struct {
	City, Zip string
}

type Person struct {
	Name string
	Address
}

func main() {
	p := Person{Name: "Ana", Address: Address{"Lisbon", "1000"}}
	fmt.Println(p.City, p.Address.Zip)
	p.City = "Porto"
	fmt.Println(p)
	fmt.Printf("%+v\n", p)
}
