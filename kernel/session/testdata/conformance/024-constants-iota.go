// Constants, iota and typed constants.
package main

import "fmt"

type Weekday int

const (
	Sunday Weekday = iota
	Monday
	Tuesday
	Wednesday
)

const (
	_  = iota
	KB = 1 << (10 * iota)
	MB
	GB
)

const Pi = 3.14159
const greeting = "hi"

func main() {
	fmt.Println(Sunday, Monday, Tuesday, Wednesday)
	fmt.Println(KB, MB, GB)
	fmt.Println(Pi*2, greeting+"!")
	const big = 1 << 100
	fmt.Println(big >> 98)
	fmt.Printf("%T %T %T\n", Monday, Pi, 'x')
}
