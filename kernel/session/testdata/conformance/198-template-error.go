// Errors from parsing and executing templates.
package main

import (
	"fmt"
	"os"
	"text/template"
)

type Box struct{ Width int }

func main() {
	_, err := template.New("bad").Parse("{{.Width")
	fmt.Println(err)
	t := template.Must(template.New("ok").Parse("width={{.Width}} height={{.Height}}\n"))
	err = t.Execute(os.Stdout, Box{3})
	fmt.Println()
	fmt.Println(err)
}
