// sync.Once and sync.RWMutex.
package main

import (
	"fmt"
	"sync"
)

type Config struct {
	mu   sync.RWMutex
	vals map[string]string
}

func (c *Config) Get(k string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.vals[k]
}

func (c *Config) Set(k, v string) {
	c.mu.Lock()
	c.vals[k] = v
	c.mu.Unlock()
}

func main() {
	var once sync.Once
	for range 3 {
		once.Do(func() { fmt.Println("initialised once") })
	}
	c := &Config{vals: map[string]string{}}
	c.Set("mode", "fast")
	var wg sync.WaitGroup
	got := make([]string, 5)
	start := make(chan struct{}) // the readers start together
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i] = c.Get("mode")
		}()
	}
	close(start)
	wg.Wait()
	fmt.Println(got)
}
