// Arguments of deferred calls, including method receivers, are evaluated
// when the defer statement runs.
package main

import "fmt"

type Counter struct{ n int }

func (c Counter) Report(label string) { fmt.Println(label, c.n) }

func main() {
	c := Counter{1}
	defer c.Report("value receiver saw")
	p := &c
	defer func() { fmt.Println("closure sees", p.n) }()
	s := "before"
	defer fmt.Println("deferred string:", s)
	c.n = 99
	s = "after"
	fmt.Println("end of main", c.n, s)
}
