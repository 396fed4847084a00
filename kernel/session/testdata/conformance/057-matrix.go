// Matrix multiplication with fixed-size arrays.
package main

import "fmt"

type Matrix [2][2]int

func mul(a, b Matrix) Matrix {
	var c Matrix
	for i := range 2 {
		for j := range 2 {
			for k := range 2 {
				c[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return c
}

func main() {
	m := Matrix{{1, 1}, {1, 0}}
	r := Matrix{{1, 0}, {0, 1}}
	for range 10 {
		r = mul(r, m)
	}
	fmt.Println(r)
	fmt.Println("fib(10) =", r[0][1])
}
