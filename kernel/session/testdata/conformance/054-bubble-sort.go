// A textbook bubble sort and binary search.
package main

import "fmt"

func bubble(xs []int) {
	for i := 0; i < len(xs); i++ {
		for j := 0; j < len(xs)-1-i; j++ {
			if xs[j] > xs[j+1] {
				xs[j], xs[j+1] = xs[j+1], xs[j]
			}
		}
	}
}

func search(xs []int, target int) int {
	lo, hi := 0, len(xs)-1
	for lo <= hi {
		mid := (lo + hi) / 2
		switch {
		case xs[mid] == target:
			return mid
		case xs[mid] < target:
			lo = mid + 1
		default:
			hi = mid - 1
		}
	}
	return -1
}

func main() {
	xs := []int{5, 2, 9, 1, 5, 6}
	bubble(xs)
	fmt.Println(xs)
	fmt.Println(search(xs, 6), search(xs, 3))
}
