// A reverse Polish notation calculator with a slice as a stack.
package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

func eval(expr string) (float64, error) {
	var stack []float64
	for _, tok := range strings.Fields(expr) {
		switch tok {
		case "+", "-", "*", "/":
			if len(stack) < 2 {
				return 0, errors.New("stack underflow at " + tok)
			}
			b, a := stack[len(stack)-1], stack[len(stack)-2]
			stack = stack[:len(stack)-2]
			var r float64
			switch tok {
			case "+":
				r = a + b
			case "-":
				r = a - b
			case "*":
				r = a * b
			case "/":
				if b == 0 {
					return 0, errors.New("division by zero")
				}
				r = a / b
			}
			stack = append(stack, r)
		default:
			v, err := strconv.ParseFloat(tok, 64)
			if err != nil {
				return 0, fmt.Errorf("bad token %q: %w", tok, err)
			}
			stack = append(stack, v)
		}
	}
	if len(stack) != 1 {
		return 0, fmt.Errorf("%d values left on the stack", len(stack))
	}
	return stack[0], nil
}

func main() {
	for _, e := range []string{"3 4 + 2 *", "5 1 2 + 4 * + 3 -", "1 +", "4 0 /", "2 x +", "1 2"} {
		v, err := eval(e)
		if err != nil {
			fmt.Printf("%-20q error: %v\n", e, err)
			continue
		}
		fmt.Printf("%-20q = %g\n", e, v)
	}
}
