// A schedule computed from a fixed start: every 45 minutes, weekdays only.
package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.Date(2024, 6, 7, 16, 0, 0, 0, time.UTC)
	for range 6 {
		t = t.Add(45 * time.Minute)
		if t.Hour() >= 17 {
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 9, 0, 0, 0, time.UTC)
			for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
				t = t.AddDate(0, 0, 1)
			}
		}
		fmt.Println(t.Format("Mon Jan 2 15:04"))
	}
}
