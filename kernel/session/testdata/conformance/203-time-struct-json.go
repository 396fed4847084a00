// time.Time and time.Duration inside declared structs, printed and as JSON.
package main

import (
	"encoding/json"
	"fmt"
	"time"
)

type Meeting struct {
	Title  string        `json:"title"`
	Start  time.Time     `json:"start"`
	Length time.Duration `json:"length"`
}

func (m Meeting) End() time.Time { return m.Start.Add(m.Length) }

func main() {
	m := Meeting{"standup", time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC), 15 * time.Minute}
	fmt.Println(m.End().Format("15:04"))
	fmt.Printf("%v\n%+v\n", m, m)
	b, _ := json.Marshal(m)
	fmt.Println(string(b))
	var back Meeting
	json.Unmarshal(b, &back)
	fmt.Println(back.Start.Equal(m.Start), back.Length)
}
