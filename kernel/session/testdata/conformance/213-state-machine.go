// A traffic light state machine with an enum and a Stringer.
package main

import "fmt"

type State int

const (
	Red State = iota
	Green
	Yellow
)

var names = [...]string{"Red", "Green", "Yellow"}

func (s State) String() string { return names[s] }

func (s State) Next() State {
	switch s {
	case Red:
		return Green
	case Green:
		return Yellow
	default:
		return Red
	}
}

var durations = map[State]int{Red: 30, Green: 25, Yellow: 5}

func main() {
	s := Red
	elapsed := 0
	for range 7 {
		fmt.Printf("%-6v for %2ds (t=%d)\n", s, durations[s], elapsed)
		elapsed += durations[s]
		s = s.Next()
	}
	fmt.Printf("%v %d %q\n", s, s, s)
}
