// The first program of every course.
package main

import "fmt"

func main() {
	fmt.Println("Hello, 世界")
}
