// A declared type implementing io.Writer, used by fmt.Fprintf and io.Copy.
package main

import (
	"fmt"
	"io"
	"strings"
)

type CountingWriter struct {
	Lines int
	Bytes int
	out   strings.Builder
}

func (c *CountingWriter) Write(p []byte) (int, error) {
	c.Bytes += len(p)
	c.Lines += strings.Count(string(p), "\n")
	return c.out.Write(p)
}

func main() {
	cw := &CountingWriter{}
	fmt.Fprintf(cw, "hello %s\n", "world")
	fmt.Fprintln(cw, "second")
	io.Copy(cw, strings.NewReader("third\nfourth\n"))
	fmt.Println(cw.Lines, cw.Bytes)
	fmt.Print(cw.out.String())
	var w io.Writer = cw
	_, isStringer := w.(fmt.Stringer)
	fmt.Println(isStringer)
}
