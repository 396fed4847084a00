// GoString is used by %#v.
package main

import "fmt"

type Money struct {
	Cents int64
}

func (m Money) String() string   { return fmt.Sprintf("$%d.%02d", m.Cents/100, m.Cents%100) }
func (m Money) GoString() string { return fmt.Sprintf("Dollars(%d.%02d)", m.Cents/100, m.Cents%100) }

func main() {
	m := Money{1234}
	fmt.Printf("%v %s %#v\n", m, m, m)
	fmt.Printf("%#v\n", []Money{{5}, {100}})
}
