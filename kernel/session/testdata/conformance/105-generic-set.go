// A generic set built on a map.
package main

import (
	"fmt"
	"slices"
)

type Set[T comparable] map[T]struct{}

func NewSet[T comparable](items ...T) Set[T] {
	s := Set[T]{}
	for _, it := range items {
		s[it] = struct{}{}
	}
	return s
}

func (s Set[T]) Has(v T) bool {
	_, ok := s[v]
	return ok
}

func (s Set[T]) Union(o Set[T]) Set[T] {
	out := Set[T]{}
	for k := range s {
		out[k] = struct{}{}
	}
	for k := range o {
		out[k] = struct{}{}
	}
	return out
}

func main() {
	a := NewSet(1, 2, 3)
	b := NewSet(3, 4)
	u := a.Union(b)
	keys := make([]int, 0, len(u))
	for k := range u {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Println(keys, u.Has(4), a.Has(4), len(u))
}
