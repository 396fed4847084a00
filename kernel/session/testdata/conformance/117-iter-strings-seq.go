// strings.SplitSeq, strings.FieldsSeq and strings.Lines.
package main

import (
	"fmt"
	"strings"
)

func main() {
	for part := range strings.SplitSeq("a,b,,c", ",") {
		fmt.Printf("%q ", part)
	}
	fmt.Println()
	for f := range strings.FieldsSeq("  one two\tthree ") {
		fmt.Print("[", f, "]")
	}
	fmt.Println()
	text := "first line\nsecond line\nno newline"
	n := 0
	for line := range strings.Lines(text) {
		n++
		fmt.Printf("%d: %q\n", n, line)
	}
}
