// math/rand/v2 with a fixed seed is deterministic.
package main

import (
	"fmt"
	"math/rand/v2"
)

func main() {
	r := rand.New(rand.NewPCG(1, 2))
	var xs []int
	for range 5 {
		xs = append(xs, r.IntN(100))
	}
	fmt.Println(xs)
	perm := r.Perm(5)
	fmt.Println(perm)
	deck := []string{"A", "K", "Q", "J"}
	r.Shuffle(len(deck), func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
	fmt.Println(deck)
}
