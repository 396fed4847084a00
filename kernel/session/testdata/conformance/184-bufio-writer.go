// bufio.Writer on os.Stdout must be flushed.
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for i := range 5 {
		fmt.Fprintf(w, "line %d\n", i)
	}
	w.WriteString("last line\n")
}
