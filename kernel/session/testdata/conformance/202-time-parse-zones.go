// Parsing times and fixed time zones.
package main

import (
	"fmt"
	"time"
)

func main() {
	t, err := time.Parse("2006-01-02 15:04", "2023-07-04 09:30")
	fmt.Println(t, err)
	_, err = time.Parse("2006-01-02", "2023-13-01")
	fmt.Println(err)
	east := time.FixedZone("UTC+8", 8*60*60)
	local := t.In(east)
	fmt.Println(local, local.Format(time.RFC1123Z))
	t2, _ := time.Parse(time.RFC3339, "2023-07-04T10:30:00+02:00")
	fmt.Println(t2.UTC(), t2.Sub(t))
	name, offset := local.Zone()
	fmt.Println(name, offset)
}
