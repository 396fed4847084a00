// iter.Seq2 over a declared type.
package main

import (
	"fmt"
	"iter"
)

type Roster struct {
	names  []string
	scores []int
}

func (r *Roster) All() iter.Seq2[string, int] {
	return func(yield func(string, int) bool) {
		for i, n := range r.names {
			if !yield(n, r.scores[i]) {
				return
			}
		}
	}
}

func main() {
	r := &Roster{[]string{"ana", "ben", "cy"}, []int{90, 75, 82}}
	for name, score := range r.All() {
		fmt.Printf("%-4s %d\n", name, score)
	}
	total := 0
	for _, s := range r.All() {
		total += s
	}
	fmt.Println("total", total)
}
