package main

import (
	"os"

	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/gopherlab/gopherlab/kernel/worker"
)

func init() {
	register(&command{
		name:    "worker",
		summary: "run a process started by a notebook cell (the kernel starts it)",
		run: func(args []string) error {
			if len(args) > 0 {
				return usageError{"worker takes no arguments"}
			}
			os.Exit(worker.Main(symbols.Symbols))
			return nil
		},
	})
}
