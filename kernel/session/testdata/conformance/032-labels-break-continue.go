// Labelled break and continue out of nested loops.
package main

import "fmt"

func main() {
	grid := [][]int{{1, 2, 3}, {4, -1, 6}, {7, 8, 9}}
outer:
	for i, row := range grid {
		for j, v := range row {
			if v < 0 {
				fmt.Println("negative at", i, j)
				break outer
			}
		}
	}

next:
	for i := 2; i < 20; i++ {
		for j := 2; j*j <= i; j++ {
			if i%j == 0 {
				continue next
			}
		}
		fmt.Print(i, " ")
	}
	fmt.Println()
}
