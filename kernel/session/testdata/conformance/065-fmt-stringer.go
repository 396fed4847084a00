// A Stringer is used by %v and %s, also inside slices and structs.
package main

import "fmt"

type Color int

const (
	Red Color = iota
	Green
	Blue
)

func (c Color) String() string {
	switch c {
	case Red:
		return "red"
	case Green:
		return "green"
	}
	return fmt.Sprintf("Color(%d)", int(c))
}

type Car struct {
	Model string
	Paint Color
}

func main() {
	fmt.Println(Red, Blue)
	fmt.Printf("%v %s %d %q %x\n", Green, Green, Green, Green, Green)
	fmt.Println([]Color{Red, Green})
	fmt.Printf("%v %+v\n", Car{"T", Green}, Car{"T", Red})
	fmt.Println(map[Color]int{Red: 1, Green: 2})
	var s fmt.Stringer = Blue
	fmt.Println(s.String())
}
