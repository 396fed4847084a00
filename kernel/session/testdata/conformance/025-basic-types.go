// Basic types, conversions and overflow of fixed-size integers.
package main

import (
	"fmt"
	"math"
)

func main() {
	var i8 int8 = 127
	i8++
	fmt.Println(i8)
	var u8 uint8 = 0
	u8--
	fmt.Println(u8)
	f := 3.9
	fmt.Println(int(f), int(-f))
	fmt.Println(math.MaxInt64, math.MinInt64)
	fmt.Println(math.Sqrt(2), math.Floor(-2.5), math.Inf(1), -math.Inf(1))
	var r rune = 'A'
	var b byte = 'z'
	fmt.Println(r, b, string(r), string(rune(b)))
	c := complex(1, 2)
	fmt.Println(c*c, real(c), imag(c))
	fmt.Println(7/2, -7/2, 7%3, -7%3, 7.0/2)
}
