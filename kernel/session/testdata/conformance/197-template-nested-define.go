// Nested templates with define and template, and whitespace trimming.
package main

import (
	"os"
	"text/template"
)

const page = `{{define "row"}}<tr><td>{{.}}</td></tr>{{end -}}
<table>
{{- range .}}
  {{template "row" .}}
{{- end}}
</table>
`

func main() {
	t := template.Must(template.New("page").Parse(page))
	t.Execute(os.Stdout, []string{"a", "b", "c"})
}
