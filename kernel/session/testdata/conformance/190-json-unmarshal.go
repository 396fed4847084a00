// encoding/json: decoding into declared structs, maps and any.
package main

import (
	"encoding/json"
	"fmt"
)

type Item struct {
	ID    int     `json:"id"`
	Name  string  `json:"name"`
	Price float64 `json:"price"`
}

type Order struct {
	Customer string `json:"customer"`
	Items    []Item `json:"items"`
	Paid     bool   `json:"paid"`
}

func main() {
	data := `{"customer":"kim","items":[{"id":1,"name":"pen","price":1.5},{"id":2,"name":"ink","price":4}],"paid":true,"extra":"ignored"}`
	var o Order
	if err := json.Unmarshal([]byte(data), &o); err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Printf("%+v\n", o)
	total := 0.0
	for _, it := range o.Items {
		total += it.Price
	}
	fmt.Println(total)
	var generic map[string]any
	json.Unmarshal([]byte(data), &generic)
	fmt.Println(generic["customer"], generic["paid"], len(generic["items"].([]any)))
	fmt.Printf("%T\n", generic["items"].([]any)[0].(map[string]any)["price"])
	var bad Order
	err := json.Unmarshal([]byte(`{"paid":"yes"}`), &bad)
	fmt.Println(err)
}
