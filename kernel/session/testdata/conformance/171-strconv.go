// strconv conversions both ways.
package main

import (
	"fmt"
	"strconv"
)

func main() {
	n, _ := strconv.Atoi("-42")
	fmt.Println(n, strconv.Itoa(n*2))
	i, _ := strconv.ParseInt("ff", 16, 64)
	u, _ := strconv.ParseUint("777", 8, 32)
	fmt.Println(i, u)
	f, _ := strconv.ParseFloat("3.25", 64)
	fmt.Println(f, strconv.FormatFloat(f, 'f', 3, 64), strconv.FormatFloat(f, 'e', -1, 64))
	b, _ := strconv.ParseBool("true")
	fmt.Println(b, strconv.FormatBool(false))
	fmt.Println(strconv.FormatInt(255, 2), strconv.FormatInt(-255, 36))
	fmt.Println(strconv.Quote("hi\n\"there\""), strconv.QuoteRune('☺'), strconv.QuoteToASCII("é"))
	s, err := strconv.Unquote(`"a\tb"`)
	fmt.Printf("%q %v\n", s, err)
	fmt.Println(string(strconv.AppendInt([]byte("n="), 12, 10)))
}
