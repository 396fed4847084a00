// The strings package's everyday functions.
package main

import (
	"fmt"
	"strings"
)

func main() {
	s := "  The Go Programming Language  "
	t := strings.TrimSpace(s)
	fmt.Printf("%q\n", t)
	fmt.Println(strings.ToUpper(t), strings.ToLower(t))
	fmt.Println(strings.Contains(t, "Go"), strings.HasPrefix(t, "The"), strings.HasSuffix(t, "age"))
	fmt.Println(strings.Index(t, "Pro"), strings.LastIndex(t, "a"), strings.Count(t, "g"))
	fmt.Println(strings.Split("a,b,c", ","), len(strings.Split("", ",")))
	fmt.Println(strings.Fields(s), strings.Join([]string{"x", "y"}, "+"))
	fmt.Println(strings.Replace("oink oink oink", "k", "ky", 2), strings.ReplaceAll("aaa", "a", "b"))
	fmt.Println(strings.Repeat("ab", 3), strings.Title("x") == "X")
	fmt.Println(strings.TrimLeft("xxhixx", "x"), strings.TrimSuffix("file.go", ".go"), strings.Trim("--a--", "-"))
	before, after, found := strings.Cut("key=value", "=")
	fmt.Println(before, after, found)
	fmt.Println(strings.EqualFold("Go", "GO"), strings.Map(func(r rune) rune { return r + 1 }, "HAL"))
}
