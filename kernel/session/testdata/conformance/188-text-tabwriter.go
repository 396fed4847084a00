// Aligned columns with text/tabwriter.
package main

import (
	"fmt"
	"os"
	"text/tabwriter"
)

func main() {
	w := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tLANG\tSTARS")
	fmt.Fprintln(w, "gopherlab\tGo\t12")
	fmt.Fprintln(w, "x\tPython\t1234")
	w.Flush()
	rw := tabwriter.NewWriter(os.Stdout, 0, 0, 1, '.', tabwriter.AlignRight)
	fmt.Fprintln(rw, "a\tbbb\tc\t")
	fmt.Fprintln(rw, "aaaa\tb\tccccc\t")
	rw.Flush()
}
