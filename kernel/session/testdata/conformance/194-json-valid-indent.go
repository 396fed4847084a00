// json.Valid, json.Indent and numbers as json.Number.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

func main() {
	fmt.Println(json.Valid([]byte(`{"a":1}`)), json.Valid([]byte(`{a:1}`)))
	var out bytes.Buffer
	json.Indent(&out, []byte(`{"a":[1,2],"b":{"c":true}}`), ">", "\t")
	fmt.Println(out.String())
	dec := json.NewDecoder(strings.NewReader(`{"big": 12345678901234567890}`))
	dec.UseNumber()
	var m map[string]any
	dec.Decode(&m)
	n := m["big"].(json.Number)
	fmt.Println(n, n.String())
	_, err := n.Int64()
	fmt.Println(err != nil)
}
