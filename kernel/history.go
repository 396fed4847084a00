package kernel

import (
	"regexp"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/wire"
)

// historySession is the session number of this kernel's history entries.
// History lives in the server's memory only, so there is one session.
const historySession = 1

// histEntry is one executed cell.
type histEntry struct {
	line   int
	input  string
	output string // text/plain of the result, "" for none
}

func (s *Server) addHistory(line int, input, output string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.history = append(s.history, histEntry{line, input, output})
}

// queryHistory answers a history_request: tail (last n), range (session,
// start, stop) or search (glob pattern, unique, last n).
func (s *Server) queryHistory(req wire.HistoryRequestContent) [][]any {
	s.mu.Lock()
	h := append([]histEntry(nil), s.history...)
	s.mu.Unlock()

	var sel []histEntry
	switch req.HistAccessType {
	case "tail":
		n := req.N
		if n <= 0 {
			n = 10
		}
		sel = h[max(len(h)-n, 0):]
	case "range":
		if req.Session != 0 && req.Session != historySession {
			return [][]any{} // 0 is the current session; there is no other
		}
		for _, e := range h {
			if e.line >= req.Start && (req.Stop <= 0 || e.line < req.Stop) {
				sel = append(sel, e)
			}
		}
	case "search":
		re, err := globRegexp(req.Pattern)
		if err != nil {
			return [][]any{}
		}
		seen := map[string]bool{}
		for i := len(h) - 1; i >= 0; i-- {
			e := h[i]
			if !re.MatchString(e.input) || (req.Unique && seen[e.input]) {
				continue
			}
			seen[e.input] = true
			sel = append(sel, e)
			if req.N > 0 && len(sel) == req.N {
				break
			}
		}
		for i, j := 0, len(sel)-1; i < j; i, j = i+1, j-1 {
			sel[i], sel[j] = sel[j], sel[i]
		}
	}
	out := make([][]any, 0, len(sel))
	for _, e := range sel {
		if req.Output {
			var o any
			if e.output != "" {
				o = e.output
			}
			out = append(out, []any{historySession, e.line, []any{e.input, o}})
		} else {
			out = append(out, []any{historySession, e.line, e.input})
		}
	}
	return out
}

// globRegexp compiles a glob as SQLite's GLOB (IPython's history search)
// reads it: * any text, ? one character, [...] a class; anchored at both
// ends. An empty pattern matches everything.
func globRegexp(glob string) (*regexp.Regexp, error) {
	if glob == "" {
		glob = "*"
	}
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			j := strings.IndexByte(glob[i+1:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := glob[i+1 : i+1+j]
			if strings.HasPrefix(class, "^") {
				class = "^" + regexp.QuoteMeta(class[1:])
			} else {
				class = regexp.QuoteMeta(class)
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\-`, `-`) + "]")
			i += j + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	return regexp.Compile(b.String())
}
