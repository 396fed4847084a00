// text/template with fields, range, if and functions.
package main

import (
	"os"
	"strings"
	"text/template"
)

type Item struct {
	Name  string
	Price float64
	Qty   int
}

type Invoice struct {
	Customer string
	Items    []Item
	Paid     bool
}

const tmpl = `Invoice for {{.Customer | upper}}
{{range $i, $it := .Items}}{{$i}}. {{$it.Name}} x{{$it.Qty}} @ {{printf "%.2f" $it.Price}}
{{end}}{{if .Paid}}PAID{{else}}DUE{{end}}
`

func main() {
	t := template.Must(template.New("inv").Funcs(template.FuncMap{"upper": strings.ToUpper}).Parse(tmpl))
	inv := Invoice{"acme", []Item{{"bolt", 0.25, 100}, {"nut", 0.1, 250}}, false}
	if err := t.Execute(os.Stdout, inv); err != nil {
		panic(err)
	}
}
