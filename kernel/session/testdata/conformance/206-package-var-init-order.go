// Package-level variables are initialised in dependency order, whatever
// the order they are written in.
package main

import "fmt"

var total = price * float64(count)
var price = base + tax
var count = len(items)
var items = []string{"a", "b", "c"}

const base = 10.0
const tax = 2.5

var greeting = makeGreeting("world")

func makeGreeting(who string) string { return "hello, " + who }

func main() {
	fmt.Println(total, price, count)
	fmt.Println(greeting)
}
