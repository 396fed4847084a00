// Fprint to os.Stdout, a bytes.Buffer and a strings.Builder.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Fprintln(os.Stdout, "to stdout", 1)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s=%d;", "a", 1)
	fmt.Fprintf(&buf, "%s=%d;", "b", 2)
	fmt.Println(buf.String())
	var sb strings.Builder
	n, err := fmt.Fprint(&sb, "x", 42)
	fmt.Println(sb.String(), n, err)
	os.Stdout.WriteString("direct write\n")
	fmt.Fprintln(os.Stderr, "this goes to stderr")
}
