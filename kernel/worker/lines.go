package worker

import "strings"

// Session.Source marks each declaration with a //line directive naming its
// cell and line ("//line cell[3]:5"), which the Go compiler honours. yaegi
// v0.16.1 keys a file's imports by the file name of their positions, so
// that code after a directive (which changes the file name) cannot see the
// imports: the worker blanks the directives before yaegi sees the source.
// Lines do not move.

// blankLineDirectives returns src with every //line directive that starts
// a line replaced by an empty line.
func blankLineDirectives(src string) string {
	if !strings.Contains(src, "//line ") {
		return src
	}
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "//line ") {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}
