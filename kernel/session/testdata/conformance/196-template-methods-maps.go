// Templates calling methods of declared types, and ranging over a map.
package main

import (
	"fmt"
	"os"
	"strings"
	"text/template"
)

type User struct {
	First, Last string
	Roles       map[string]bool
}

func (u User) FullName() string { return u.First + " " + u.Last }

func (u User) Initials(sep string) string {
	return strings.Join([]string{u.First[:1], u.Last[:1]}, sep)
}

func main() {
	t := template.Must(template.New("u").Parse(
		"{{.FullName}} ({{.Initials \".\"}})\n{{range $role, $on := .Roles}}{{if $on}}- {{$role}}\n{{end}}{{end}}{{with .First}}first={{.}}{{end}}\n"))
	u := User{"Grace", "Hopper", map[string]bool{"admin": true, "dev": true, "ops": false}}
	if err := t.Execute(os.Stdout, u); err != nil {
		fmt.Println(err)
	}
}
