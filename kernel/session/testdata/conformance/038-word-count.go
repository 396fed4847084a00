// The tour's word count exercise.
package main

import (
	"fmt"
	"strings"
)

func WordCount(s string) map[string]int {
	m := make(map[string]int)
	for _, w := range strings.Fields(s) {
		m[w]++
	}
	return m
}

func main() {
	fmt.Println(WordCount("I am learning Go!"))
	fmt.Println(WordCount("the quick brown fox jumped over the lazy dog the end"))
}
