// The runtime does not start its goroutine that follows changes of the
// CPU limit (Go 1.25): GOMAXPROCS is still set from the limit at start. A
// worker a notebook cell starts reaches its target ~1.7 ms sooner without
// it (builds alternated, 120 starts each); kernels and workers live
// minutes, not through a resized container.
//go:debug updatemaxprocs=0

// Command gopherlab is a Jupyter kernel for Go.
//
// Usage:
//
//	gopherlab kernel CONNECTION_FILE   serve a notebook (what kernel.json runs)
//	gopherlab install [--user | --sys-prefix | --prefix DIR]
//	gopherlab uninstall [--user | --sys-prefix | --prefix DIR]
//	gopherlab run [--inplace | --output FILE] NOTEBOOK.ipynb...
//	gopherlab version
//
// Each subcommand lives in its own file and registers itself from init
// with [register], so that new subcommands need no change here.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
)

// A command is one gopherlab subcommand.
type command struct {
	name    string
	args    string // argument synopsis for usage, e.g. "CONNECTION_FILE"
	summary string // one line
	// run runs the command with the arguments after its name. An error
	// of type usageError prints the command's usage.
	run func(args []string) error
}

// commands maps names to subcommands; filled by register from init.
var commands = map[string]*command{}

// register adds c to the command table. It panics on a duplicate name, a
// programming error found at startup.
func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("gopherlab: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// usageError is an error in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// newFlagSet returns a flag set for command name that reports errors
// instead of exiting.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("gopherlab "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "gopherlab is a Jupyter kernel for Go.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  gopherlab %s %s\n        %s\n", c.name, c.args, c.summary)
	}
}

func main() {
	// Nothing takes a heap profile of the kernel or its workers; sampling
	// allocations for one kept 1.4 MiB of records in every idle kernel.
	runtime.MemProfileRate = 0
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run runs the command line args and returns the exit status.
func run(args []string, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "gopherlab: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	err := c.run(args[1:])
	// Errors of package kernel say "kernel: ..." already.
	msg := ""
	if err != nil {
		msg = strings.TrimPrefix(err.Error(), c.name+": ")
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stderr, "usage: gopherlab %s %s\n        %s\n", c.name, c.args, c.summary)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "gopherlab %s: %s\nusage: gopherlab %s %s\n", c.name, msg, c.name, c.args)
		return 2
	default:
		fmt.Fprintf(stderr, "gopherlab %s: %s\n", c.name, msg)
		return 1
	}
}
