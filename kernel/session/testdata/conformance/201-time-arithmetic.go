// Adding, subtracting and comparing times.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Date(2024, 1, 31, 22, 0, 0, 0, time.UTC)
	end := start.Add(5 * time.Hour)
	fmt.Println(end)
	fmt.Println(end.Sub(start), end.After(start), start.Before(end), start.Equal(start))
	fmt.Println(start.AddDate(0, 1, 0).Format("2006-01-02"))
	due := time.Date(2024, 12, 25, 0, 0, 0, 0, time.UTC)
	days := due.Sub(time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)).Hours() / 24
	fmt.Println(days, "days")
	fmt.Println(start.Truncate(24 * time.Hour).Format(time.DateTime))
	t1 := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	fmt.Println(t1.AddDate(1, 0, 0).Format(time.DateOnly))
}
