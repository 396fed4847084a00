// Integers in bases, with and without prefixes, and unicode formatting.
package main

import "fmt"

func main() {
	for _, n := range []int{0, 7, 64, 255, -10} {
		fmt.Printf("%4d %8b %4o %4x %#6x %#o\n", n, n, n, n, n, n)
	}
	fmt.Printf("%c %U %#U %q\n", 0x1F600, 0x1F600, 'é', '\n')
	var u8 uint8 = 200
	var i16 int16 = -300
	fmt.Printf("%d %x %v %T %T\n", u8, i16, i16, u8, i16)
}
