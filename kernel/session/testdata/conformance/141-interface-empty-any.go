// Values of any kind in an []any and a map[string]any.
package main

import (
	"fmt"
	"sort"
)

func main() {
	record := map[string]any{
		"name":  "ada",
		"age":   36,
		"langs": []string{"go", "c"},
		"admin": false,
		"score": 9.5,
	}
	keys := make([]string, 0, len(record))
	for k := range record {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s: %v (%T)\n", k, record[k], record[k])
	}
	if langs, ok := record["langs"].([]string); ok {
		fmt.Println(len(langs))
	}
	var x any = record["age"]
	fmt.Println(x.(int) + 1)
}
