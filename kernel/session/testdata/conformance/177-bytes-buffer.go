// bytes.Buffer and functions of package bytes.
package main

import (
	"bytes"
	"fmt"
)

func main() {
	var b bytes.Buffer
	b.WriteString("hello ")
	b.WriteByte('w')
	b.Write([]byte("orld"))
	fmt.Println(b.String(), b.Len())
	word, _ := b.ReadString(' ')
	fmt.Printf("%q %q\n", word, b.String())
	fmt.Println(bytes.Equal([]byte("a"), []byte("a")), bytes.ToUpper([]byte("up")))
	fmt.Printf("%s\n", bytes.TrimSpace([]byte("  x  ")))
	fields := bytes.Fields([]byte(" a b  c "))
	fmt.Println(len(fields), string(bytes.Join(fields, []byte("-"))))
}
