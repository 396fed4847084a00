package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/gopherlab/gopherlab/kernel/session/lower"
	"github.com/gopherlab/gopherlab/kernel/worker"
	"github.com/traefik/yaegi/interp"
)

// compileError turns a parse error into a cell error.
func (s *Session) compileError(src []byte, err error, _ []error) *Error {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		msg := list[0].Msg
		if !strings.HasPrefix(msg, "expected") && !strings.HasPrefix(msg, "syntax error") {
			msg = "syntax error: " + msg
		} else if strings.HasPrefix(msg, "expected") {
			msg = "syntax error: " + msg
		}
		return s.errorAt(src, list[0].Pos.Line-1, list[0].Pos.Column, msg)
	}
	return s.errorAt(src, 0, 0, err.Error())
}

// yaegiError turns an error of the interpreter into a cell error: an
// interrupt, a panic, os.Exit, or a compile error (reworded by check when
// it has something to say).
func (s *Session) yaegiError(ctx context.Context, src []byte, err error, check func() []error) *Error {
	if ctx.Err() != nil {
		frames := s.errw.take()
		_ = frames
		var ec *exitCause
		if errors.As(context.Cause(ctx), &ec) {
			return exitError(ec.sig)
		}
		if errors.Is(context.Cause(ctx), errDeadlock) {
			return &Error{Name: ErrDeadlock, Value: "all goroutines are asleep - deadlock!", Traceback: []string{
				"fatal error: all goroutines are asleep - deadlock!",
				"",
				"Every goroutine of this cell is waiting (on a channel, select, WaitGroup or Mutex) for something no goroutine will ever do.",
				"The cell was stopped; the kernel and your variables are kept.",
			}}
		}
		return &Error{Name: ErrInterrupted, Value: "the cell was interrupted", Traceback: []string{
			"Interrupted: the cell was interrupted; the kernel and your variables are kept"}}
	}
	var p interp.Panic
	if errors.As(err, &p) {
		frames := s.errw.take()
		if ex, ok := p.Value.(exitSignal); ok {
			return exitError(ex)
		}
		if len(frames) == 0 {
			// A crash of the interpreter while compiling, not a panic of
			// the learner's code.
			if check != nil {
				if e := s.checkError(src, check()); e != nil {
					return e
				}
			}
			return s.errorAt(src, 0, 0, fmt.Sprintf("gopherlab cannot run this cell (the interpreter failed: %v)", p.Value))
		}
		tb := []string{"panic: " + s.panicText(p.Value), "", "goroutine running the cell:"}
		for _, f := range frames {
			switch f.fn {
			case "main":
				continue // the call of the cell's function
			case "main." + cellFunc:
				tb = append(tb, "the cell's statements", "\tnear cell line "+strconv.Itoa(f.line-1))
				continue
			case "main." + mainName:
				f.fn = "main.main"
			}
			tb = append(tb, funcName(f.fn)+"(...)", "\t"+s.frameWhere(f))
		}
		return &Error{Name: ErrPanic, Value: s.panicText(p.Value), Traceback: tb}
	}
	if check != nil {
		if e := s.checkError(src, check()); e != nil {
			return e
		}
	}
	msg := err.Error()
	line, col := 0, 0
	if l, c, rest, ok := splitPos(msg); ok {
		line, col, msg = l-1, c, rest
	}
	if i := strings.Index(msg, "\n"); i >= 0 {
		msg = msg[:i]
	}
	return s.errorAt(src, line, col, cleanMessage(msg))
}

// exitError is the cell error of an os.Exit or log.Fatal.
func exitError(ex exitSignal) *Error {
	msg := "the cell called " + exitName(ex)
	return &Error{Name: ErrExit, Value: msg, Traceback: []string{
		ErrExit + ": " + msg,
		"In a notebook this ends the cell, not the kernel: your variables are kept.",
	}}
}

// frameWhere says where a panic frame is, in the learner's terms.
func (s *Session) frameWhere(f frame) string {
	name := strings.TrimPrefix(f.fn, "main.")
	if i := strings.Index(name, ".func"); i >= 0 {
		name = name[:i]
	}
	s.stMu.Lock()
	d := s.st.decls[name]
	s.stMu.Unlock()
	// yaegi reports the start of the function rather than the statement
	// that panicked, so name the declaration, which is exact.
	if d != nil && (d.kind == kFunc || d.kind == kMethod) {
		if d.cell != s.cellNumber() {
			return fmt.Sprintf("in func %s, declared at line %d of an earlier cell", name, d.line)
		}
		return fmt.Sprintf("in func %s, declared at cell line %d", name, d.line)
	}
	return fmt.Sprintf("near cell line %d", f.line-1)
}

// checkError reports the errors of lower.Check.
func (s *Session) checkError(src []byte, errs []error) *Error {
	var first *Error
	var more []string
	errs = notebookErrors(errs)
	if len(errs) == 0 {
		return nil
	}
	for i, err := range errs {
		line, col, msg := 0, 0, err.Error()
		var le *lower.Error
		if errors.As(err, &le) {
			line, col, msg = le.Line-1, le.Col, le.Msg
		}
		if i == 0 {
			first = s.errorAt(src, line, col, msg)
		} else if i < 10 {
			more = append(more, fmt.Sprintf("cell line %d: %s", line, msg))
		}
	}
	first.Traceback = append(first.Traceback, more...)
	return first
}

// notebookErrors drops the errors a notebook allows: unused variables and
// imports (and, after a failed evaluation, those about the session's own
// marks of process targets, worker.Rewrite, which the checker does not
// know).
func notebookErrors(errs []error) []error {
	var out []error
	for _, err := range errs {
		msg := err.Error()
		var le *lower.Error
		if errors.As(err, &le) && strings.HasPrefix(le.Msg, "\t") {
			continue // go/types' "\tother declaration of x" follows its error
		}
		if strings.Contains(msg, "declared and not used") || strings.Contains(msg, "imported and not used") ||
			(strings.Contains(msg, " imported as ") && strings.HasSuffix(msg, "not used")) ||
			strings.HasSuffix(msg, "."+worker.TagFunc) {
			continue
		}
		out = append(out, err)
	}
	return out
}

// shiftPos rewrites a leading "LINE:COL: " of an error from a stored
// declaration into the learner's terms.
func shiftPos(err error) string {
	msg := err.Error()
	if l, _, rest, ok := splitPos(msg); ok {
		return fmt.Sprintf("line %d of its cell: %s", l-1, cleanMessage(rest))
	}
	return cleanMessage(msg)
}

// splitPos parses yaegi's "LINE:COL: message".
func splitPos(msg string) (line, col int, rest string, ok bool) {
	a, b, found := strings.Cut(msg, ":")
	if !found {
		return 0, 0, msg, false
	}
	l, err := strconv.Atoi(a)
	if err != nil {
		return 0, 0, msg, false
	}
	c, r, found := strings.Cut(b, ":")
	if !found {
		return 0, 0, msg, false
	}
	cn, err := strconv.Atoi(c)
	if err != nil {
		return 0, 0, msg, false
	}
	return l, cn, strings.TrimSpace(r), true
}

// cleanMessage rewords yaegi messages that would confuse a learner.
func cleanMessage(msg string) string {
	if m := constAssign().FindStringSubmatch(msg); m != nil {
		// yaegi v0.16.1 takes a package variable of a basic type
		// (runtime.MemProfileRate) for a constant, and prints its value
		// with a bad verb.
		return "cannot assign to this package variable (" + m[1] + ") from a cell: the interpreter takes it for a constant. " +
			"Assign through a pointer instead: p := &pkg.Name; *p = value"
	}
	msg = strings.ReplaceAll(msg, "/_.go", "")
	msg = strings.ReplaceAll(msg, "__glshow(", "(")
	msg = strings.ReplaceAll(msg, mainName, "main")
	return msg
}

// constAssign matches yaegi's message for an assignment to a package
// variable it takes for a constant: "cannot assign to %!s(int=524288) (int
// constant)".
var constAssign = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^cannot assign to %!s\((\w+)=.*\) \(\w+ constant\)$`)
})

// errorAt builds a compile error at a cell line (0 when unknown) with the
// line quoted and a caret under the column.
func (s *Session) errorAt(src []byte, line, col int, msg string) *Error {
	if n := bytes.Count(src, []byte("\n")) + 1; line > n {
		// Past the end: the wrapper's closing brace.
		line, col = n, 0
		msg = strings.Replace(msg, "found '}'", "found the end of the cell", 1)
	}
	value := msg
	if line > 0 {
		value = fmt.Sprintf("cell line %d: %s", line, msg)
	}
	tb := []string{ErrCompile + ": " + value}
	lines := strings.Split(string(src), "\n")
	if line > 0 && line <= len(lines) {
		tb = append(tb, "", fmt.Sprintf("%4d | %s", line, lines[line-1]))
		if col > 0 {
			pad := []byte(strings.Repeat(" ", min(col-1, len(lines[line-1]))))
			for i := range pad {
				if lines[line-1][i] == '\t' {
					pad[i] = '\t'
				}
			}
			tb = append(tb, "     | "+string(pad)+"^")
		}
	}
	return &Error{Name: ErrCompile, Value: value, Traceback: tb}
}
