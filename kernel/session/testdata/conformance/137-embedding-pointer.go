// Embedding a pointer type, and method sets through embedding.
package main

import (
	"fmt"
	"sync"
)

type Logger struct {
	prefix string
	lines  []string
}

func (l *Logger) Log(s string) { l.lines = append(l.lines, l.prefix+s) }

type Service struct {
	*Logger
	sync.Mutex
	name string
}

func main() {
	s := Service{Logger: &Logger{prefix: "[svc] "}, name: "api"}
	s.Lock()
	s.Log("started " + s.name)
	s.Unlock()
	s.Log("stopped")
	fmt.Println(s.lines)
	fmt.Println(len(s.Logger.lines))
}
