// cmp.Compare, cmp.Less, cmp.Or and multi-key sorting.
package main

import (
	"cmp"
	"fmt"
	"slices"
)

type Student struct {
	Name  string
	Grade int
	Age   int
}

func main() {
	fmt.Println(cmp.Compare(1, 2), cmp.Compare("b", "a"), cmp.Less(1.5, 2.5))
	fmt.Println(cmp.Or("", "default"), cmp.Or(0, 0, 7))
	ss := []Student{{"Eve", 90, 20}, {"Al", 85, 22}, {"Bo", 90, 19}, {"Cy", 85, 21}}
	slices.SortFunc(ss, func(a, b Student) int {
		return cmp.Or(cmp.Compare(b.Grade, a.Grade), cmp.Compare(a.Age, b.Age))
	})
	for _, s := range ss {
		fmt.Println(s.Name, s.Grade, s.Age)
	}
	oldest := slices.MaxFunc(ss, func(a, b Student) int { return cmp.Compare(a.Age, b.Age) })
	fmt.Println(oldest.Name)
}
