// Timers, tickers and timeouts whose outcome does not depend on timing.
package main

import (
	"fmt"
	"time"
)

func main() {
	timer := time.NewTimer(20 * time.Millisecond)
	<-timer.C
	fmt.Println("timer fired")

	ticker := time.NewTicker(5 * time.Millisecond)
	for i := 1; i <= 3; i++ {
		<-ticker.C
		fmt.Println("tick", i)
	}
	ticker.Stop()

	result := make(chan string, 1)
	go func() { result <- "fast answer" }()
	select {
	case r := <-result:
		fmt.Println(r)
	case <-time.After(10 * time.Second):
		fmt.Println("timeout")
	}

	stopped := time.NewTimer(time.Hour)
	fmt.Println("stopped:", stopped.Stop())
	time.Sleep(10 * time.Millisecond)
	fmt.Println("slept")
}
