// Package complete answers the kernel's complete_request (Tab) and
// inspect_request (Shift-Tab) for Go cells.
//
// # Use from the session
//
// The session calls the two functions with the cell's code, the cursor as
// the frontend sent it (an offset in Unicode code points, as Jupyter
// protocol 5.2 and later specify) and the notebook's live declarations as a
// Go file (Session.Source):
//
//	func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
//		return complete.Complete(code, cursor, s.Source())
//	}
//
//	func (s *Session) Inspect(code string, cursor, detail int) (map[string]any, bool) {
//		return complete.Inspect(code, cursor, detail, s.Source())
//	}
//
// Complete returns the code point range [start, end) of code that each match
// replaces, so that accepting "Println" after "fmt.Pri" gives "fmt.Println".
// [CompleteMatches] also says what each match names (function, type,
// package, variable, field, keyword) and its signature, which the kernel
// sends as metadata._jupyter_types_experimental for JupyterLab's completer.
// Inspect returns a MIME bundle ("text/plain") for the name at or before the
// cursor.
//
// # What is completed
//
// After "pkg.", the exported members of the package imported as pkg (by the
// cell or an earlier one), or of the standard library or kernel package whose
// name is pkg when nothing is imported under that name. After "x.", where x
// is a variable of the notebook or the cell, the fields and methods of its
// type, when its declaration tells the type: a declared type (var wg
// sync.WaitGroup), a composite literal, or the result of a call of a
// package function, a notebook function or a method (p := mp.NewProcess(...),
// t := time.Now()); also after a call, as in time.Now().Unix. Elsewhere, Go
// keywords, predeclared identifiers, imported package names and the names the
// notebook declares (in earlier cells and in this one). Inside the quotes of
// an import, package paths.
//
// # Documentation
//
// Inspect shows the declaration and doc comment of a name as `go doc`
// prints them. Standard library documentation is parsed from
// $(go env GOROOT)/src on first use and cached. The documentation of
// runtime/mp and kernel/display is generated into docs_gen.go by go
// generate, because the kernel binary may run where the repository source is
// absent. Names declared in the notebook show their declaration and comment.
//
// Both functions are safe for concurrent use and never panic.
package complete

//go:generate go run ./internal/gendocs -o docs_gen.go github.com/gopherlab/gopherlab/runtime/mp github.com/gopherlab/gopherlab/kernel/display
