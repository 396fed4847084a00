package worker

import (
	"fmt"
	"sort"
	"strings"
)

// Session.Source marks each declaration with a //line directive naming its
// cell and line ("//line cell[3]:5"), which the Go compiler honours. yaegi
// v0.16.1 keys a file's imports by the file name of their positions, so
// that code after a directive (which changes the file name) cannot see the
// imports: the worker turns the directives into comments of another name
// (lineMark) before yaegi sees the source, and reads them back to report
// the interpreter's positions as the cells' lines (lineMap). Lines do not
// move.

// lineMark replaces "//line " at the start of a line.
const lineMark = "//gopherlab:line "

// hideLineDirectives turns the //line directives of src into lineMark
// comments, keeping every line at its number.
func hideLineDirectives(src string) string {
	if !strings.Contains(src, "//line ") {
		return src
	}
	lines := strings.SplitAfter(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "//line ") {
			lines[i] = lineMark + l[len("//line "):]
		}
	}
	return strings.Join(lines, "")
}

// A lineMap maps the lines of a source to the positions its line marks
// give them, in order of line.
type lineMap []lineMarkAt

type lineMarkAt struct {
	line int    // the line of the source after the mark
	file string // "cell[3]"
	at   int    // that line's number in file
}

// parseLineMarks reads the line marks of src (see hideLineDirectives).
func parseLineMarks(src string) lineMap {
	var m lineMap
	if !strings.Contains(src, lineMark) {
		return nil
	}
	for i, l := range strings.Split(src, "\n") {
		rest, ok := strings.CutPrefix(l, lineMark)
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		// FILE:LINE or FILE:LINE:COL; FILE may itself hold colons.
		parts := strings.Split(rest, ":")
		if len(parts) < 2 {
			continue
		}
		n, col := 0, false
		if len(parts) >= 3 {
			if _, err := fmt.Sscanf(parts[len(parts)-1], "%d", &n); err == nil {
				if _, err := fmt.Sscanf(parts[len(parts)-2], "%d", &n); err == nil {
					col = true
				}
			}
		}
		fileParts := parts[:len(parts)-1]
		if col {
			fileParts = parts[:len(parts)-2]
		}
		if _, err := fmt.Sscanf(parts[len(fileParts)], "%d", &n); err != nil {
			continue
		}
		m = append(m, lineMarkAt{line: i + 2, file: strings.Join(fileParts, ":"), at: n})
	}
	return m
}

// message returns the interpreter's error err about the declarations
// with its position ("_.go:21:18: ..." or "21:18: ...") in the cells'
// terms when a mark gives it, else as a line of the declarations.
func (m lineMap) message(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "_.go:")
	var line, col int
	if n, _ := fmt.Sscanf(msg, "%d:%d:", &line, &col); n == 2 {
		rest := msg[strings.Index(msg, ":")+1:]
		rest = strings.TrimSpace(rest[strings.Index(rest, ":")+1:])
		if where := m.where(line); where != "" {
			return where + ": " + firstLine(rest)
		}
		return fmt.Sprintf("line %d: %s", line, firstLine(rest))
	}
	return firstLine(msg)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// where returns the position line of the source has in its cell
// ("cell[3]:5"), or "" when no mark precedes it.
func (m lineMap) where(line int) string {
	i := sort.Search(len(m), func(i int) bool { return m[i].line > line }) - 1
	if i < 0 || m[i].file == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", m[i].file, m[i].at+line-m[i].line)
}
