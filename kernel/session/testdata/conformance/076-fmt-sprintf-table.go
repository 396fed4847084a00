// A text table with padded columns.
package main

import "fmt"

type item struct {
	name  string
	qty   int
	price float64
}

func main() {
	items := []item{{"apple", 3, 0.5}, {"watermelon", 1, 3.25}, {"fig", 12, 0.2}}
	fmt.Printf("%-12s %4s %8s\n", "ITEM", "QTY", "TOTAL")
	total := 0.0
	for _, it := range items {
		t := float64(it.qty) * it.price
		total += t
		fmt.Printf("%-12s %4d %8.2f\n", it.name, it.qty, t)
	}
	fmt.Printf("%-12s %4s %8.2f\n", "sum", "", total)
}
