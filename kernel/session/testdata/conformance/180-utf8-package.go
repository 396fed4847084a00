// unicode/utf8: decoding runes by hand.
package main

import (
	"fmt"
	"unicode/utf8"
)

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func main() {
	s := "Grüße"
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		fmt.Printf("%c:%d ", r, size)
		s = s[size:]
	}
	fmt.Println()
	fmt.Println(utf8.ValidString("ok"), utf8.ValidString("\xff"), utf8.RuneLen('€'))
	fmt.Println(reverse("Hello, 世界"))
}
