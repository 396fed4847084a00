// Fan-out work and collect the results in input order.
package main

import (
	"fmt"
	"strings"
)

func process(s string) string { return strings.ToUpper(s) + "!" }

func main() {
	words := []string{"alpha", "beta", "gamma", "delta"}
	chans := make([]chan string, len(words))
	for i, w := range words {
		chans[i] = make(chan string, 1)
		go func(w string, out chan<- string) {
			out <- process(w)
		}(w, chans[i])
	}
	for _, c := range chans {
		fmt.Println(<-c)
	}
}
