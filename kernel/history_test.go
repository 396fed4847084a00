package kernel

import (
	"testing"

	"github.com/gopherlab/gopherlab/kernel/wire"
)

func TestGlobRegexp(t *testing.T) {
	for _, tt := range []struct {
		glob, s string
		want    bool
	}{
		{"6?7", "6*7", true},
		{"6?7", "6*7 ", false},
		{"*", "anything\nmultiline", true},
		{"", "", true},
		{"fmt.*", "fmt.Println(1)", true},
		{"fmt.*", "xfmt.Println", false},
		{"a[bc]d", "acd", true},
		{"a[^bc]d", "acd", false},
		{"a[^bc]d", "aed", true},
		{"a[b", "a[b", true},
		{"(x)+", "(x)+", true},
	} {
		re, err := globRegexp(tt.glob)
		if err != nil {
			t.Errorf("globRegexp(%q): %v", tt.glob, err)
			continue
		}
		if got := re.MatchString(tt.s); got != tt.want {
			t.Errorf("glob %q on %q = %v, want %v", tt.glob, tt.s, got, tt.want)
		}
	}
}

func TestQueryHistory(t *testing.T) {
	s := &Server{}
	for i, in := range []string{"a := 1", "1+1", "6*7", "1+1", "6*7"} {
		out := ""
		if in == "6*7" {
			out = "42"
		}
		s.addHistory(i+1, in, out)
	}
	lines := func(h [][]any) (l []int) {
		for _, e := range h {
			l = append(l, e[1].(int))
		}
		return l
	}
	for _, tt := range []struct {
		name string
		req  wire.HistoryRequestContent
		want []int
	}{
		{"tail", wire.HistoryRequestContent{HistAccessType: "tail", N: 2}, []int{4, 5}},
		{"tail all", wire.HistoryRequestContent{HistAccessType: "tail", N: 100}, []int{1, 2, 3, 4, 5}},
		{"range", wire.HistoryRequestContent{HistAccessType: "range", Session: 0, Start: 2, Stop: 4}, []int{2, 3}},
		{"range to end", wire.HistoryRequestContent{HistAccessType: "range", Session: 1, Start: 4}, []int{4, 5}},
		{"range other session", wire.HistoryRequestContent{HistAccessType: "range", Session: 7, Start: 1}, nil},
		{"search", wire.HistoryRequestContent{HistAccessType: "search", Pattern: "1?1"}, []int{2, 4}},
		{"search unique", wire.HistoryRequestContent{HistAccessType: "search", Pattern: "*", Unique: true}, []int{1, 4, 5}},
		{"search n", wire.HistoryRequestContent{HistAccessType: "search", Pattern: "*", N: 2}, []int{4, 5}},
		{"unknown type", wire.HistoryRequestContent{HistAccessType: "bogus"}, nil},
	} {
		got := lines(s.queryHistory(tt.req))
		if len(got) != len(tt.want) {
			t.Errorf("%s: lines %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: lines %v, want %v", tt.name, got, tt.want)
				break
			}
		}
	}
	h := s.queryHistory(wire.HistoryRequestContent{HistAccessType: "tail", N: 1, Output: true})
	if io := h[0][2].([]any); io[0] != "6*7" || io[1] != "42" {
		t.Errorf("with output: %v", h)
	}
}
