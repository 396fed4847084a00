// time.Duration arithmetic and printing.
package main

import (
	"fmt"
	"time"
)

func main() {
	d := 90 * time.Minute
	fmt.Println(d, d.Hours(), d.Minutes())
	fmt.Println(1500*time.Millisecond, 2*time.Hour+3*time.Second, time.Duration(1))
	p, err := time.ParseDuration("1h15m30.5s")
	fmt.Println(p, err, p.Seconds())
	fmt.Println(p.Round(time.Minute), p.Truncate(time.Hour))
	var total time.Duration
	for _, s := range []string{"45m", "30m", "1h"} {
		x, _ := time.ParseDuration(s)
		total += x
	}
	fmt.Println(total, total > 2*time.Hour)
	fmt.Printf("%v %d %T\n", time.Second, time.Second, time.Second)
}
