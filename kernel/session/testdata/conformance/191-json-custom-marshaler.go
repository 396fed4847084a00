// Custom MarshalJSON and UnmarshalJSON methods on declared types.
package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

type Level int

const (
	Low Level = iota
	High
)

func (l Level) MarshalJSON() ([]byte, error) {
	return json.Marshal([]string{"low", "high"}[l])
}

func (l *Level) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	switch strings.ToLower(s) {
	case "low":
		*l = Low
	case "high":
		*l = High
	default:
		return fmt.Errorf("unknown level %q", s)
	}
	return nil
}

type Alert struct {
	Msg   string `json:"msg"`
	Level Level  `json:"level"`
}

func main() {
	b, _ := json.Marshal(Alert{"disk full", High})
	fmt.Println(string(b))
	var a Alert
	err := json.Unmarshal([]byte(`{"msg":"cpu","level":"LOW"}`), &a)
	fmt.Println(a, err)
	err = json.Unmarshal([]byte(`{"level":"medium"}`), &a)
	fmt.Println(err)
}
