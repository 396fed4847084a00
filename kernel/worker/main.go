package worker

import (
	"fmt"
	"os"
	"os/exec"
	"reflect"

	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/worker/native"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

// Main is the child side: the `gopherlab worker` command. It reads the
// notebook's declarations from standard input, rebuilds them with
// [Build] and the given symbols, and runs the target its parent sends
// ([mp.RunChild]); it exits when the target returns. A worker that cannot
// rebuild the declarations reports why to the Process.Start that uses it.
// Main returns (with status 2) only when the process was not started as a
// child.
func Main(symbols ...interp.Exports) int {
	if !mp.IsChild() {
		fmt.Fprintln(os.Stderr, "gopherlab worker: this command runs the processes notebook cells start; the kernel starts it, not you")
		return 2
	}
	link := native.Open()
	src, err := native.ReadDeclarations()
	var nb *Notebook
	if err == nil {
		nb, err = Build(src, symbols...)
	}

	if err == nil {
		// Processes started by the target run in workers of their own,
		// which rebuild the same declarations.
		// /proc/self/exe is this very binary even if the file was
		// replaced since, and needs no readlink on the way to the target.
		l := NewLauncher(func() *exec.Cmd {
			cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
			cmd.Args[0] = os.Args[0]
			return cmd
		}, func() string { return src })
		l.inherit = true
		l.SetInterp(nb.in)
		mp.SetLauncher(l)
	}
	mp.RunChild(func(name string) (reflect.Value, error) {
		if err != nil {
			return reflect.Value{}, err
		}
		fn, err := nb.Lookup(name)
		if err != nil {
			return fn, err
		}
		// What earlier panics (recovered) left is not this call's.
		return link.Lookup(fn, func() { panicLines.take() }), nil
	})
	return 2
}
