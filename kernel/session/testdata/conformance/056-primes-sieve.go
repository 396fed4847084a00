// The sieve of Eratosthenes.
package main

import "fmt"

func main() {
	const n = 50
	composite := make([]bool, n+1)
	var primes []int
	for i := 2; i <= n; i++ {
		if composite[i] {
			continue
		}
		primes = append(primes, i)
		for j := i * i; j <= n; j += i {
			composite[j] = true
		}
	}
	fmt.Println(primes)
	fmt.Println(len(primes), "primes up to", n)
}
