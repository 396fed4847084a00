// The most frequent words of a text, ties broken alphabetically.
package main

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

type wordCount struct {
	word  string
	count int
}

func topWords(text string, n int) []wordCount {
	counts := map[string]int{}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	for _, w := range words {
		counts[w]++
	}
	var list []wordCount
	for w, c := range counts {
		list = append(list, wordCount{w, c})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].count != list[j].count {
			return list[i].count > list[j].count
		}
		return list[i].word < list[j].word
	})
	if len(list) > n {
		list = list[:n]
	}
	return list
}

const text = `It was the best of times, it was the worst of times, it was the age of
wisdom, it was the age of foolishness, it was the epoch of belief.`

func main() {
	for i, wc := range topWords(text, 5) {
		fmt.Printf("%d. %-6s %d\n", i+1, wc.word, wc.count)
	}
}
