// Every common verb applied to values of types declared in the program.
package main

import "fmt"

type Name string
type Count uint16
type Ratio float64
type Flags []bool
type Pair struct {
	Key string
	Val int
}
type Tagged struct {
	Pair
	tags []Name
}

func main() {
	values := []any{Name("ann"), Count(300), Ratio(0.25), Flags{true, false}, Pair{"k", 7}, Tagged{Pair{"t", 1}, []Name{"x", "y"}}}
	verbs := []string{"%v", "%+v", "%#v", "%T", "%s", "%q", "%x", "%X", "%d", "%8v", "%-8v|"}
	for _, v := range values {
		for _, verb := range verbs {
			fmt.Printf(verb+" ", v)
		}
		fmt.Println()
	}
	fmt.Printf("%v %d\n", map[Name]Count{"b": 2, "a": 1}, map[Name]Count{"b": 2, "a": 1})
	fmt.Printf("%6.2f|%-8.3v|%08.3f\n", Ratio(3.14159), Ratio(2.5), Ratio(-1.5))
	fmt.Printf("%5d|%-5d|%05d|%x|%o|%b\n", Count(42), Count(42), Count(42), Count(255), Count(8), Count(5))
}
