package notebook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gopherlab/gopherlab/kernel/session"
)

// An Executor runs one cell's code, sending what it produces to out.
// *session.Session is the Executor the gopherlab command uses.
type Executor interface {
	Execute(ctx context.Context, code string, out session.Output) (session.Result, error)
}

// Options configures Run. The zero value runs every cell, stops at the first
// unexpected failure and prints nothing.
type Options struct {
	// Stdout, when set, receives the cells' outputs as they arrive: stream
	// text as written, results and displays as their text/plain (or a
	// placeholder naming the MIME type).
	Stdout io.Writer
	// Stderr, when set, receives stderr stream text and the errors of cells
	// not tagged RaisesException (those of tagged cells go to Stdout).
	Stderr io.Writer
	// KeepGoing runs the remaining cells after an unexpected failure. By
	// default the run stops there, as Jupyter's "Run All" and nbclient do.
	KeepGoing bool
	// CellTimeout, when positive, interrupts a cell that runs longer.
	CellTimeout time.Duration
	// Marks writes "[N]:" on a line of its own to Stdout before the
	// outputs of the cell with execution count N (a blank line before
	// all but the first), as JupyterLab shows the prompt of a cell, so
	// that a reader sees where one cell's output ends.
	Marks bool
}

// A CellError reports a code cell that failed although it is not tagged
// [RaisesException].
type CellError struct {
	Index int   // index of the cell in Notebook.Cells
	Cell  *Cell // the cell
	Err   error // usually a *session.Error
}

// Error says which cell failed and why.
func (e *CellError) Error() string {
	return fmt.Sprintf("notebook: cell %d (id %s) failed: %v", e.Index+1, e.Cell.ID, e.Err)
}

// Unwrap returns the cell's own error.
func (e *CellError) Unwrap() error { return e.Err }

// Run executes the code cells of nb in order through ex, replacing their
// outputs and execution counts with those of this run. Empty cells are
// skipped, as nbclient does. It returns nil when no cell failed unexpectedly,
// otherwise the [*CellError] of each such cell (joined with errors.Join when
// opts.KeepGoing lets several fail), or ctx's error when ctx ends first.
func Run(ctx context.Context, nb *Notebook, ex Executor, opts Options) error {
	r := &runner{nb: nb, ex: ex, opts: opts}
	for _, c := range nb.Cells {
		if c.Type == Code {
			c.Outputs = nil
			c.ExecutionCount = 0
		}
	}
	var failures []error
	count := 0
	for i, c := range nb.Cells {
		if c.Type != Code || strings.TrimSpace(c.Source) == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return errors.Join(append(failures, err)...)
		}
		count++
		err := r.runCell(ctx, c, count)
		if err == nil || c.HasTag(RaisesException) {
			continue
		}
		failures = append(failures, &CellError{Index: i, Cell: c, Err: err})
		if !opts.KeepGoing {
			break
		}
	}
	return errors.Join(failures...)
}

type runner struct {
	nb   *Notebook
	ex   Executor
	opts Options
	mu   sync.Mutex // guards the outputs of nb's cells and the writers
}

func (r *runner) runCell(ctx context.Context, c *Cell, count int) error {
	if r.opts.CellTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.opts.CellTimeout)
		defer cancel()
	}
	out := &cellOutput{r: r, cell: c}
	r.mu.Lock()
	c.ExecutionCount = count
	if r.opts.Marks && r.opts.Stdout != nil {
		if count > 1 {
			io.WriteString(r.opts.Stdout, "\n")
		}
		fmt.Fprintf(r.opts.Stdout, "[%d]:\n", count)
	}
	r.mu.Unlock()
	res, err := r.execute(session.WithExecutionCount(ctx, count), c, out)
	r.mu.Lock()
	defer r.mu.Unlock()
	out.flushClear()
	if err != nil {
		o := errorOutput(err)
		c.Outputs = append(c.Outputs, o)
		// An expected error is ordinary output; an unexpected one goes to
		// Stderr.
		w := r.opts.Stderr
		if c.HasTag(RaisesException) {
			w = r.opts.Stdout
		}
		if w != nil {
			io.WriteString(w, errorText(o))
		}
		return err
	}
	if res.Data != nil {
		o := &Output{Type: ExecuteResult, Data: res.Data, Metadata: res.Metadata, ExecutionCount: count}
		c.Outputs = append(c.Outputs, o)
		r.print(o)
	}
	return nil
}

// execute runs the cell, turning a panic of the executor into an error so
// that one bad cell cannot end the run.
func (r *runner) execute(ctx context.Context, c *Cell, out *cellOutput) (res session.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &session.Error{Name: "panic", Value: fmt.Sprint(p)}
		}
	}()
	return r.ex.Execute(ctx, c.Source, out)
}

func errorOutput(err error) *Output {
	var se *session.Error
	if errors.As(err, &se) {
		return &Output{Type: ErrorOutput, EName: se.Name, EValue: se.Value, Traceback: se.Traceback}
	}
	return &Output{Type: ErrorOutput, EName: "Error", EValue: err.Error()}
}

// errorText is an error output as a terminal shows it: the traceback when
// there is one (it carries the message), else the name and value.
func errorText(o *Output) string {
	if len(o.Traceback) == 0 {
		return o.EName + ": " + o.EValue + "\n"
	}
	return strings.Join(o.Traceback, "\n") + "\n"
}

// print writes a result or display to Stdout; r.mu is held.
func (r *runner) print(o *Output) {
	w := r.opts.Stdout
	if w == nil {
		return
	}
	if s, ok := o.Data["text/plain"].(string); ok {
		io.WriteString(w, strings.TrimSuffix(s, "\n")+"\n")
		return
	}
	var mimes []string
	for k := range o.Data {
		mimes = append(mimes, k)
	}
	sort.Strings(mimes)
	fmt.Fprintf(w, "[%s]\n", strings.Join(mimes, ", "))
}

// cellOutput is the session.Output of one cell. Output that arrives after
// the cell ended (from goroutines or daemon processes) still lands in it.
type cellOutput struct {
	r            *runner
	cell         *Cell
	clearPending bool
}

// flushClear applies a pending Clear(true); r.mu is held.
func (o *cellOutput) flushClear() {
	if o.clearPending {
		o.cell.Outputs = nil
		o.clearPending = false
	}
}

func (o *cellOutput) Stream(name, text string) error {
	if text == "" {
		return nil
	}
	o.r.mu.Lock()
	defer o.r.mu.Unlock()
	o.flushClear()
	c := o.cell
	if n := len(c.Outputs); n > 0 && c.Outputs[n-1].Type == Stream && c.Outputs[n-1].Name == name {
		c.Outputs[n-1].Text += text
	} else {
		c.Outputs = append(c.Outputs, &Output{Type: Stream, Name: name, Text: text})
	}
	w := o.r.opts.Stdout
	if name == "stderr" && o.r.opts.Stderr != nil {
		w = o.r.opts.Stderr
	}
	if w != nil {
		io.WriteString(w, text)
	}
	return nil
}

func (o *cellOutput) Display(d session.Display) error {
	o.r.mu.Lock()
	defer o.r.mu.Unlock()
	if d.Update {
		for _, c := range o.r.nb.Cells {
			for _, out := range c.Outputs {
				if out.displayID != "" && out.displayID == d.ID {
					out.Data, out.Metadata = d.Data, d.Metadata
				}
			}
		}
		return nil
	}
	o.flushClear()
	out := &Output{Type: DisplayData, Data: d.Data, Metadata: d.Metadata, displayID: d.ID}
	o.cell.Outputs = append(o.cell.Outputs, out)
	o.r.print(out)
	return nil
}

func (o *cellOutput) Clear(wait bool) error {
	o.r.mu.Lock()
	defer o.r.mu.Unlock()
	if wait {
		o.clearPending = true
		return nil
	}
	o.cell.Outputs = nil
	return nil
}
