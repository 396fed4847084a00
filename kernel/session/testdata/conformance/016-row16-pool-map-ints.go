// Issue 12, row 16: Pool.Map as the README's cheat sheet writes it.
package main

import (
	"fmt"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

func sq(x int) int { return x * x }

func main() {
	mp.Main()
	pool := mp.NewPool(2)
	defer pool.Close()
	out, err := pool.Map(sq, []int{1, 2, 3})
	fmt.Println(out, err)
}
