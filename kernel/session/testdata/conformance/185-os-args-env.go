// os.Getenv with a variable the program sets itself.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	os.Setenv("GREETING_FOR_TEST", "hola")
	fmt.Println(os.Getenv("GREETING_FOR_TEST"))
	v, ok := os.LookupEnv("SURELY_NOT_SET_ANYWHERE_12345")
	fmt.Printf("%q %v\n", v, ok)
	os.Unsetenv("GREETING_FOR_TEST")
	fmt.Printf("%q\n", os.Getenv("GREETING_FOR_TEST"))
	fmt.Println(strings.ToUpper(os.Expand("${A}-${B}", func(k string) string { return strings.ToLower(k) })))
}
