// Type assertions to concrete types and to other interfaces.
package main

import (
	"fmt"
	"io"
	"strings"
)

type Named interface{ Name() string }

type Dog struct{}

func (Dog) Name() string  { return "dog" }
func (Dog) Sound() string { return "woof" }

type Sounder interface{ Sound() string }

func main() {
	var n Named = Dog{}
	if s, ok := n.(Sounder); ok {
		fmt.Println(n.Name(), "says", s.Sound())
	}
	d := n.(Dog)
	fmt.Println(d.Sound())
	var r io.Reader = strings.NewReader("abc")
	_, isWriter := r.(io.Writer)
	_, isSeeker := r.(io.Seeker)
	fmt.Println(isWriter, isSeeker)
	var x any = 3
	if _, ok := x.(Named); !ok {
		fmt.Println("3 has no name")
	}
}
