// json with embedded structs, json.RawMessage and a map of declared types.
package main

import (
	"encoding/json"
	"fmt"
)

type Meta struct {
	Version int `json:"version"`
}

type Envelope struct {
	Meta
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

type Point struct{ X, Y int }

func main() {
	in := `{"version":2,"type":"point","payload":{"X":3,"Y":4}}`
	var env Envelope
	json.Unmarshal([]byte(in), &env)
	fmt.Println(env.Version, env.Type, string(env.Payload))
	var p Point
	json.Unmarshal(env.Payload, &p)
	fmt.Println(p)
	out, _ := json.Marshal(map[string]Point{"b": {1, 2}, "a": {3, 4}})
	fmt.Println(string(out))
	again, _ := json.Marshal(env)
	fmt.Println(string(again))
}
