// Building strings with strings.Builder and byte slices.
package main

import (
	"fmt"
	"strings"
)

func main() {
	var sb strings.Builder
	for i := 3; i > 0; i-- {
		fmt.Fprintf(&sb, "%d...", i)
	}
	sb.WriteString("go!")
	fmt.Println(sb.String(), sb.Len())
	buf := make([]byte, 0, 16)
	buf = append(buf, "abc"...)
	buf = append(buf, '-')
	buf = fmt.Appendf(buf, "%03d", 7)
	fmt.Println(string(buf))
}
