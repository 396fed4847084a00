// log.Fatal writes to stderr and exits with status 1.
package main

import (
	"fmt"
	"log"
	"strconv"
)

func main() {
	fmt.Println("parsing")
	n, err := strconv.Atoi("forty")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n)
}
