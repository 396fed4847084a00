// Command prog is a program that starts a process, for mp's tests of
// compiled programs. With NOMAIN=1 in its environment it forgets to call
// mp.Main, as a careless program would.
package main

import (
	"fmt"
	"os"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

type job struct {
	Name  string
	Steps []int
}

func work(j job, v *mp.Value) {
	sum := 0
	for _, s := range j.Steps {
		sum += s
	}
	fmt.Println("work", j.Name, "in", mp.CurrentProcess().Name())
	v.Store(sum)
}

func main() {
	if os.Getenv("NOMAIN") == "" {
		mp.Main()
	}
	v := mp.NewValue("i", 0)
	p := mp.NewProcess(work, job{"sum", []int{40, 2}}, v)
	if err := p.Start(); err != nil {
		fmt.Println("start:", err)
		os.Exit(3)
	}
	if err := p.Join(); err != nil {
		fmt.Println("join:", err)
		os.Exit(4)
	}
	fmt.Println("value", v.Load())
}
