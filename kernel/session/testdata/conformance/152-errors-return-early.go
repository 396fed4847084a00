// The usual if err != nil { return } style in main.
package main

import (
	"fmt"
	"strconv"
)

func parseAll(items []string) ([]int, error) {
	var out []int
	for i, s := range items {
		n, err := strconv.Atoi(s)
		if err != nil {
			return out, fmt.Errorf("item %d: %w", i, err)
		}
		out = append(out, n)
	}
	return out, nil
}

func main() {
	nums, err := parseAll([]string{"1", "2", "3"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("sum of", nums)
	nums, err = parseAll([]string{"4", "five", "6"})
	if err != nil {
		fmt.Println("error:", err, "after", nums)
		return
	}
	fmt.Println("not reached")
}
