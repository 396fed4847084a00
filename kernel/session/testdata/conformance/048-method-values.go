// Method values and method expressions.
package main

import "fmt"

type Counter struct{ n int }

func (c *Counter) Inc()    { c.n++ }
func (c Counter) Get() int { return c.n }

func main() {
	c := &Counter{}
	inc := c.Inc
	inc()
	inc()
	fmt.Println(c.Get())
	get := Counter.Get
	fmt.Println(get(*c))
	incExpr := (*Counter).Inc
	incExpr(c)
	fmt.Println(c.n)
	fs := []func(){c.Inc, c.Inc}
	for _, f := range fs {
		f()
	}
	fmt.Println(c.Get())
}
