// time.Date and formatting with layouts.
package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.Date(2024, time.March, 9, 14, 5, 7, 0, time.UTC)
	fmt.Println(t)
	fmt.Println(t.Format(time.RFC3339), t.Format("2006-01-02"), t.Format("Jan 2, 2006 at 3:04pm"))
	fmt.Println(t.Year(), t.Month(), t.Day(), t.Weekday(), t.YearDay(), t.Hour())
	fmt.Println(t.Format(time.Kitchen), t.Format("Mon 02/01/06 15:04:05.000"))
	fmt.Println(t.Unix(), t.Month() == time.March, int(t.Month()))
	fmt.Printf("%v|%s|%d\n", t.Weekday(), t.Month(), t.Month())
}
