// json.Encoder to os.Stdout and json.Decoder over a stream.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

type Event struct {
	Kind  string `json:"kind"`
	Value int    `json:"value"`
}

func main() {
	enc := json.NewEncoder(os.Stdout)
	enc.Encode(Event{"click", 1})
	enc.SetIndent("", " ")
	enc.Encode([]Event{{"key", 2}})
	dec := json.NewDecoder(strings.NewReader(`{"kind":"a","value":1} {"kind":"b","value":2}`))
	for {
		var e Event
		if err := dec.Decode(&e); err == io.EOF {
			break
		} else if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Printf("%s=%d\n", e.Kind, e.Value)
	}
}
