// fmt verbs on basic types.
package main

import "fmt"

func main() {
	fmt.Printf("%v %d %b %o %O %x %X %c %q %U\n", 42, 42, 42, 42, 42, 255, 255, 'G', 'G', 'G')
	fmt.Printf("%e %E %f %F %g %G\n", 1234.5678, 1234.5678, 1234.5678, 1234.5678, 1234.5678, 1e21)
	fmt.Printf("%s %q %x %X % x\n", "go", "go\n", "go", "go", "go")
	fmt.Printf("%t %v %p\n", true, false, nil)
	fmt.Printf("%v %v\n", 3+4i, []byte("hi"))
	fmt.Printf("%T %T %T %T %T\n", 1, 1.0, "s", 'r', nil)
	fmt.Printf("%%d literal percent, %d%%\n", 50)
}
