// Package display shows rich output — HTML, Markdown, SVG, PNG images and
// JSON — from notebook cells run by the gopherlab kernel.
//
// A cell imports it and calls one function per output:
//
//	import "github.com/gopherlab/gopherlab/kernel/display"
//
//	display.HTML("<b>bold</b>")
//	display.Markdown("# Title")
//	display.SVG(`<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><circle cx="10" cy="10" r="8"/></svg>`)
//
// Each call becomes one display_data message of the Jupyter protocol, shown
// below the cell that made it, also when the call runs in a goroutine the cell
// started. A [Handle] shows an output once and then replaces it in place
// (update_display_data), for progress reports and live plots. [Clear] clears
// the cell's output (clear_output).
//
// # Watching processes
//
// [Watch] shows a live view of the processes a cell starts and of the
// shared objects of runtime/mp it is given — who holds each lock, who waits
// for it, the contents of a Value or an Array — redrawn in place while the
// processes run:
//
//	display.Watch(lock, number)
//	p1.Start()
//	p2.Start()
//
// # Values that render themselves
//
// A value whose type has one of the methods
//
//	HTML() string
//	Markdown() string
//	SVG() string
//	PNG() []byte
//	JPEG() []byte
//
// is shown richly when it is the last expression of a cell. [Bundle] and
// [BundleOf] build the MIME bundle of such a value; the kernel uses them.
//
// # Outside the kernel
//
// The functions print a plain-text rendering to standard output when no
// [Sink] is installed, as in a compiled program or a worker process, so
// calling them is never an error.
//
// # For the kernel
//
// The session installs a [Sink] with [SetSink] when it is created; cells
// never call SetSink. The sink sends each [Message] to the Output of the
// cell that is running, or, when none runs (a goroutine or a process still
// working after its cell ended), to the last cell's, exactly as the session
// routes standard output:
//
//	type displaySink struct{ s *Session }
//
//	func (d displaySink) Display(m display.Message) error {
//		out := d.s.currentOutput() // the running cell's, else the last one's
//		return out.Display(Display{Data: m.Data, Metadata: m.Metadata, ID: m.ID, Update: m.Update})
//	}
//
//	func (d displaySink) Clear(wait bool) error { return d.s.currentOutput().Clear(wait) }
//
//	// in New: display.SetSink(displaySink{s})
//
// There is one sink per process: the session created last receives the
// outputs. When Display returns an error the text/plain form is printed to
// standard output instead.
//
// To render the final value of a cell, the session calls [BundleOf] with a
// lookup that evaluates "v.HTML" (and Markdown, SVG, PNG, JPEG, String) in the
// interpreter, where v names the value; a lookup that fails to compile means
// the type has no such method. The interpreter hides the methods of types
// declared in cells from compiled code, so [Bundle] alone sees only those of
// compiled types.
//
// The package has no generic functions because the interpreter cannot call
// them.
package display
