// Package native is the runtime of compiled workers: programs that the
// kernel builds with the Go compiler from a notebook's declarations
// (kernel/worker/compiler), so that the functions cells start as
// processes run as compiled Go. A worker program's main calls [Main] with
// a [Table] of the notebook's functions, variables and types.
//
// It imports nothing of the interpreter, so that a worker program stays
// small and starts fast.
package native

import (
	"fmt"
	"os"
	"reflect"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// Table is what a worker program knows of its notebook, by name.
type Table struct {
	Funcs map[string]any          // top-level functions ("main" for the notebook's func main)
	Vars  map[string]any          // pointers to package-level variables
	Types map[string]reflect.Type // named types declared in cells
}

// Main runs the target its parent sends (mp.RunChild) and exits. The
// notebook's variables the parent sends are set first, and values cross
// with the kernel by the names of the notebook's types (an mp.Namespace
// over t). Run other than as a child process, it says what it is and exits
// with status 2.
func Main(t Table) {
	if !mp.IsChild() {
		fmt.Fprintln(os.Stderr, "gopherlab worker: this program runs the processes notebook cells start; the kernel starts it, not you")
		os.Exit(2)
	}
	link := Open()
	if _, err := ReadDeclarations(); err != nil {
		link.Log("worker: read the declarations: " + err.Error())
	}
	mp.SetLauncher(newNamespace(t))
	mp.RunChild(func(name string) (reflect.Value, error) {
		f, ok := t.Funcs[name]
		if !ok {
			return reflect.Value{}, fmt.Errorf("worker: %s is not a function of the notebook (was its cell changed since the process was created?)", name)
		}
		return link.Lookup(reflect.ValueOf(f), nil), nil
	})
	os.Exit(2)
}
