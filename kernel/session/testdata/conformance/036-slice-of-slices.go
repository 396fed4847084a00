// A two-dimensional slice, as in the tour's Pic exercise.
package main

import "fmt"

func pic(dx, dy int) [][]uint8 {
	img := make([][]uint8, dy)
	for y := range img {
		img[y] = make([]uint8, dx)
		for x := range img[y] {
			img[y][x] = uint8(x * y)
		}
	}
	return img
}

func main() {
	for _, row := range pic(4, 3) {
		fmt.Println(row)
	}
}
