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
// # Values that render themselves
//
// A value whose type has one of the methods
//
//	HTML() string
//	Markdown() string
//	SVG() string
//	PNG() []byte
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
// The kernel installs a [Sink] with [SetSink] before it runs the first cell;
// cells never call SetSink. The package has no generic functions because the
// interpreter cannot call them.
package display
