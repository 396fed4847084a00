// A String method that formats its fields with %v of a converted type.
package main

import "fmt"

type Celsius float64

func (c Celsius) String() string { return fmt.Sprintf("%.1f°C", float64(c)) }

type Reading struct {
	Place string
	Temp  Celsius
}

func (r Reading) String() string { return fmt.Sprintf("%s: %v", r.Place, r.Temp) }

func main() {
	rs := []Reading{{"Oslo", -3.5}, {"Cairo", 31}}
	for _, r := range rs {
		fmt.Println(r)
	}
	fmt.Println(rs)
	fmt.Printf("%v|%s|%+v\n", rs[0], rs[0], rs[0].Temp)
}
