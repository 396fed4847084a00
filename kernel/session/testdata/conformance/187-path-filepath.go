// path and path/filepath string functions.
package main

import (
	"fmt"
	"path"
	"path/filepath"
)

func main() {
	p := "/home/gopher/src/app/main.go"
	fmt.Println(filepath.Base(p), filepath.Dir(p), filepath.Ext(p))
	fmt.Println(filepath.Join("a", "b", "..", "c.txt"))
	fmt.Println(path.Clean("/a/./b/../c/"), path.IsAbs("x/y"))
	dir, file := filepath.Split(p)
	fmt.Println(dir, file)
	m, _ := filepath.Match("*.go", "main.go")
	fmt.Println(m)
	rel, _ := filepath.Rel("/home/gopher", p)
	fmt.Println(rel)
}
