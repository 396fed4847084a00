// Formatter and Stringer on pointer receivers, used through pointers.
package main

import (
	"fmt"
	"strings"
)

type Matrix struct {
	rows [][]int
}

func (m *Matrix) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v', 's':
		var lines []string
		for _, r := range m.rows {
			lines = append(lines, strings.Trim(fmt.Sprint(r), "[]"))
		}
		sep := "; "
		if f.Flag('+') {
			sep = "\n"
		}
		fmt.Fprint(f, strings.Join(lines, sep))
	default:
		fmt.Fprintf(f, "%%!%c(*Matrix)", verb)
	}
}

type Stack struct{ items []string }

func (s *Stack) String() string { return "Stack" + fmt.Sprint(s.items) }

func main() {
	m := &Matrix{[][]int{{1, 2}, {3, 4}}}
	fmt.Printf("%v\n%+v\n%d\n", m, m, m)
	fmt.Println(m)
	s := &Stack{[]string{"a", "b"}}
	fmt.Println(s)
	fmt.Printf("%v %s|%10v|\n", s, s, s)
	fmt.Println([]*Stack{s})
}
