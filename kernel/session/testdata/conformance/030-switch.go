// Expression switches: several values a case, no condition, fallthrough.
package main

import "fmt"

func kind(c byte) string {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return "vowel"
	case ' ':
		return "space"
	default:
		return "consonant"
	}
}

func grade(score int) string {
	switch {
	case score >= 90:
		return "A"
	case score >= 80:
		return "B"
	default:
		return "C"
	}
}

func main() {
	for _, c := range []byte("go on") {
		fmt.Println(string(c), kind(c))
	}
	fmt.Println(grade(95), grade(85), grade(10))
	switch x := 2; x {
	case 1:
		fmt.Println("one")
	case 2:
		fmt.Println("two")
		fallthrough
	case 3:
		fmt.Println("three (fell through)")
	case 4:
		fmt.Println("four")
	}
}
