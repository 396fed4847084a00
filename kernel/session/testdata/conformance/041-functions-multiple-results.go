// Functions with several results, named results and bare return.
package main

import "fmt"

func swap(a, b string) (string, string) { return b, a }

func split(sum int) (x, y int) {
	x = sum * 4 / 9
	y = sum - x
	return
}

func divmod(a, b int) (q, r int) {
	q, r = a/b, a%b
	return q, r
}

func main() {
	a, b := swap("hello", "world")
	fmt.Println(a, b)
	fmt.Println(split(17))
	q, _ := divmod(17, 5)
	fmt.Println(q)
	_, r := divmod(17, 5)
	fmt.Println(r)
}
