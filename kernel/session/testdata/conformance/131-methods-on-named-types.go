// Methods on named slice, map and function types.
package main

import (
	"fmt"
	"sort"
	"strings"
)

type Path []string

func (p Path) String() string { return "/" + strings.Join(p, "/") }

func (p *Path) Push(s string) { *p = append(*p, s) }

type Tally map[string]int

func (t Tally) Top() string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if t[keys[i]] != t[keys[j]] {
			return t[keys[i]] > t[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys[0]
}

type Op func(int) int

func (o Op) Twice(x int) int { return o(o(x)) }

func main() {
	var p Path
	p.Push("usr")
	p.Push("bin")
	fmt.Println(p, len(p))
	t := Tally{"go": 3, "rust": 2, "c": 3}
	fmt.Println(t.Top())
	fmt.Println(Op(func(x int) int { return x + 3 }).Twice(1))
}
