// Strings are bytes; runes are code points.
package main

import (
	"fmt"
	"unicode/utf8"
)

func main() {
	s := "héllo, 世界"
	fmt.Println(len(s), utf8.RuneCountInString(s))
	fmt.Println(s[0], s[1], string(s[7:]))
	b := []byte("abc")
	b[0] = 'A'
	fmt.Println(string(b), b)
	r := []rune(s)
	fmt.Println(len(r), string(r[7]), r[1])
	for i := 0; i < 3; i++ {
		fmt.Printf("%c", s[i])
	}
	fmt.Println()
	fmt.Println(string(rune(65)), `raw\nstring`, "tab\tquote\"")
}
