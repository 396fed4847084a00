// Classifying runes with package unicode.
package main

import (
	"fmt"
	"unicode"
)

func main() {
	var letters, digits, spaces, upper, punct int
	for _, r := range "Hello, World 42! Ça va?" {
		switch {
		case unicode.IsLetter(r):
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		case unicode.IsDigit(r):
			digits++
		case unicode.IsSpace(r):
			spaces++
		case unicode.IsPunct(r):
			punct++
		}
	}
	fmt.Println(letters, digits, spaces, upper, punct)
	fmt.Println(string(unicode.ToUpper('ß')), string(unicode.ToLower('Ä')), unicode.Is(unicode.Han, '世'))
}
