// Package session holds the interpreter state of one notebook and executes
// cells against it. It knows nothing of ZeroMQ or the Jupyter wire format:
// the kernel turns what a cell produces into messages through [Output].
package session

import (
	"context"
	"fmt"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// Output receives what a cell produces. The kernel turns it into IOPub
// messages; tests record it. Methods may be called from any goroutine.
type Output interface {
	// Stream sends text written to "stdout" or "stderr".
	Stream(name, text string) error
	// Display sends rich output (display_data, or update_display_data when
	// d.Update is set).
	Display(d Display) error
	// Clear clears the cell's output (clear_output); with wait the clear
	// happens when the next output arrives.
	Clear(wait bool) error
}

// Inputter is implemented by an Output whose frontend accepts input
// (input_request on the stdin channel). Input returns the line typed.
type Inputter interface {
	Input(prompt string, password bool) (string, error)
}

// Display is one rich output: a MIME bundle with metadata and an optional
// display id.
type Display struct {
	Data     map[string]any
	Metadata map[string]any
	// ID is the display_id (transient), empty for none.
	ID string
	// Update marks an update_display_data of an earlier display with ID.
	Update bool
}

// Result is what a successful cell returns: the MIME bundle of its final
// expression, or nil Data when the cell ends in a statement.
type Result struct {
	Data     map[string]any
	Metadata map[string]any
}

// Error is a cell failure: a compile error, a panic or an interrupt.
// It becomes one Jupyter error message.
type Error struct {
	Name      string // ename, e.g. "CompileError", "panic", "Interrupted"
	Value     string // evalue, the message
	Traceback []string
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

// Options configures a Session.
type Options struct{}

// Session is the state of one notebook: its interpreter, declarations and
// history. Execute calls must not overlap; other methods are safe to call
// concurrently with Execute.
type Session struct {
	in *interp.Interpreter
}

// New returns a Session with the standard library loaded.
func New(opts Options) (*Session, error) {
	in := interp.New(interp.Options{})
	if err := in.Use(stdlib.Symbols); err != nil {
		return nil, fmt.Errorf("session: load stdlib: %w", err)
	}
	return &Session{in: in}, nil
}

// Execute runs one cell. Cancelling ctx interrupts it. A cell failure is
// returned as an *Error.
func (s *Session) Execute(ctx context.Context, code string, out Output) (Result, error) {
	v, err := s.in.EvalWithContext(ctx, code)
	if err != nil {
		return Result{}, &Error{Name: "Error", Value: err.Error()}
	}
	if v.IsValid() {
		return Result{Data: map[string]any{"text/plain": fmt.Sprint(v.Interface())}}, nil
	}
	return Result{}, nil
}

// IsComplete reports whether code is ready to run: status is "complete",
// "incomplete" (with the indent for the next line) or "invalid".
func (s *Session) IsComplete(code string) (status, indent string) {
	return "complete", ""
}

// Complete returns completions for the text before cursor (a rune offset)
// and the rune range [start, end) of code they replace.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	return nil, cursor, cursor
}

// Inspect returns help for the name at cursor as a MIME bundle.
func (s *Session) Inspect(code string, cursor, detail int) (data map[string]any, found bool) {
	return nil, false
}

// Close ends the session and anything it started.
func (s *Session) Close() error { return nil }
