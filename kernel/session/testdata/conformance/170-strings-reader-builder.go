// strings.NewReader with bufio.Scanner, and strings.NewReplacer.
package main

import (
	"bufio"
	"fmt"
	"strings"
)

func main() {
	text := "alpha beta\ngamma\n\ndelta epsilon zeta\n"
	sc := bufio.NewScanner(strings.NewReader(text))
	lineNo := 0
	for sc.Scan() {
		lineNo++
		fmt.Printf("%d: %d words\n", lineNo, len(strings.Fields(sc.Text())))
	}
	ws := bufio.NewScanner(strings.NewReader(text))
	ws.Split(bufio.ScanWords)
	n := 0
	for ws.Scan() {
		n++
	}
	fmt.Println("words:", n)
	r := strings.NewReplacer("<", "&lt;", ">", "&gt;")
	fmt.Println(r.Replace("<b>bold</b>"))
}
