// Interfaces embedding interfaces, and a struct embedding an interface.
package main

import (
	"fmt"
	"strings"
)

type Reader interface{ Read() string }
type Writer interface{ Write(s string) }
type ReadWriter interface {
	Reader
	Writer
}

type Buffer struct{ data []string }

func (b *Buffer) Write(s string) { b.data = append(b.data, s) }
func (b *Buffer) Read() string {
	if len(b.data) == 0 {
		return ""
	}
	s := b.data[0]
	b.data = b.data[1:]
	return s
}

type LoudWriter struct {
	Writer
}

func (l LoudWriter) Write(s string) { l.Writer.Write(strings.ToUpper(s)) }

func main() {
	var rw ReadWriter = &Buffer{}
	rw.Write("one")
	lw := LoudWriter{rw}
	lw.Write("two")
	fmt.Println(rw.Read(), rw.Read(), rw.Read() == "")
}
