// A Caesar cipher over runes.
package main

import (
	"fmt"
	"strings"
)

func shift(r rune, k int) rune {
	switch {
	case r >= 'a' && r <= 'z':
		return 'a' + (r-'a'+rune(k)+26)%26
	case r >= 'A' && r <= 'Z':
		return 'A' + (r-'A'+rune(k)+26)%26
	}
	return r
}

func encrypt(s string, k int) string {
	return strings.Map(func(r rune) rune { return shift(r, k) }, s)
}

func main() {
	msg := "Attack at Dawn!"
	enc := encrypt(msg, 3)
	fmt.Println(enc)
	fmt.Println(encrypt(enc, -3))
	for k := range 3 {
		fmt.Println(k, encrypt("xyz", k))
	}
}
