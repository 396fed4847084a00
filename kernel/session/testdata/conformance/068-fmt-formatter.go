// A Formatter sees the verb, flags and width.
package main

import (
	"fmt"
	"strings"
)

type Box struct{ Label string }

func (b Box) Format(f fmt.State, verb rune) {
	w, ok := f.Width()
	if !ok {
		w = len(b.Label)
	}
	switch verb {
	case 'v':
		if f.Flag('+') {
			fmt.Fprintf(f, "Box{Label:%q}", b.Label)
			return
		}
		fallthrough
	case 's':
		fmt.Fprintf(f, "[%s]", strings.Repeat("=", w-len(b.Label))+b.Label)
	default:
		fmt.Fprintf(f, "%%!%c(Box)", verb)
	}
}

func main() {
	b := Box{"go"}
	fmt.Printf("%v %s %6s %+v %d\n", b, b, b, b, b)
	fmt.Println(b)
	fmt.Println(fmt.Sprint(b, b))
}
