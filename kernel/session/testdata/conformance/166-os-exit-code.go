// os.Exit ends the program at once with a status; defers do not run.
package main

import (
	"fmt"
	"os"
)

func main() {
	defer fmt.Println("never printed")
	fmt.Println("checking configuration")
	if len(os.Args) < 5 {
		fmt.Println("missing arguments")
		os.Exit(3)
	}
	fmt.Println("unreachable")
}
