// encoding/json: struct tags, omitempty, "-" and nested types.
package main

import (
	"encoding/json"
	"fmt"
)

type Address struct {
	Street string `json:"street"`
	City   string `json:"city,omitempty"`
}

type Person struct {
	Name     string   `json:"name"`
	Age      int      `json:"age"`
	Email    string   `json:"email,omitempty"`
	Password string   `json:"-"`
	Tags     []string `json:"tags"`
	Home     *Address `json:"home,omitempty"`
	internal int
}

func main() {
	p := Person{Name: "Ana", Age: 30, Password: "secret", Tags: []string{"a", "b"}, Home: &Address{Street: "Main 1"}}
	b, err := json.Marshal(p)
	fmt.Println(string(b), err)
	b, _ = json.Marshal(Person{Name: "Bo"})
	fmt.Println(string(b))
	b, _ = json.MarshalIndent(map[string]any{"z": 1, "a": []int{1, 2}}, "", "  ")
	fmt.Println(string(b))
}
