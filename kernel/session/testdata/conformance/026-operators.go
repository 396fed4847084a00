// Arithmetic, bitwise, comparison and logical operators.
package main

import "fmt"

func main() {
	a, b := 12, 10
	fmt.Println(a+b, a-b, a*b, a/b, a%b)
	fmt.Println(a&b, a|b, a^b, a&^b, a<<2, a>>2)
	fmt.Println(a == b, a != b, a < b, a >= b)
	t, f := true, false
	fmt.Println(t && f, t || f, !t)
	x := 5
	x += 3
	x -= 1
	x *= 2
	x /= 3
	x %= 3
	x <<= 4
	x |= 1
	x &^= 16
	fmt.Println(x)
	fmt.Println(^0, -(-3), +4)
	s := "go" + "pher"
	s += "s"
	fmt.Println(s, s < "gopherz", len(s))
}
