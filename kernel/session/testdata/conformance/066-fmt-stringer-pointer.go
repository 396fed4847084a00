// A String method on a pointer receiver is not used for values.
package main

import "fmt"

type Temp struct{ deg float64 }

func (t *Temp) String() string { return fmt.Sprintf("%.1f°", t.deg) }

func main() {
	t := Temp{21.5}
	fmt.Println(t)
	fmt.Println(&t)
	fmt.Printf("%v %s\n", &t, &t)
	fmt.Println([]*Temp{&t})
}
