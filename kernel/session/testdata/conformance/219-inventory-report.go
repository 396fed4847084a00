// An inventory report: structs, maps of slices, sorting and formatting.
package main

import (
	"fmt"
	"sort"
	"strings"
)

type Product struct {
	SKU      string
	Name     string
	Category string
	Stock    int
	Price    float64
}

func main() {
	products := []Product{
		{"A1", "Hammer", "tools", 12, 9.99},
		{"B2", "Apple", "food", 0, 0.5},
		{"A2", "Saw", "tools", 3, 24.5},
		{"C1", "Lamp", "home", 7, 19},
		{"B1", "Bread", "food", 20, 2.25},
	}
	byCat := map[string][]Product{}
	for _, p := range products {
		byCat[p.Category] = append(byCat[p.Category], p)
	}
	cats := make([]string, 0, len(byCat))
	for c := range byCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		ps := byCat[c]
		sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
		value := 0.0
		var out []string
		for _, p := range ps {
			value += float64(p.Stock) * p.Price
			if p.Stock == 0 {
				out = append(out, p.Name)
			}
		}
		fmt.Printf("%-6s %d items, value %7.2f, out of stock: %v\n", strings.ToUpper(c), len(ps), value, out)
	}
}
