package compiler

import (
	"sort"
	"strings"
)

// edit replaces bytes [start, end) of a source with text, and makes the
// edits in more too.
type edit struct {
	start, end int
	text       string
	more       []edit
}

// apply makes edits on src. Edits must not overlap, except that edits
// with the same range are made once.
func apply(src string, edits []edit) string {
	var flat []edit
	for _, e := range edits {
		flat = append(flat, edit{e.start, e.end, e.text, nil})
		flat = append(flat, e.more...)
	}
	sort.SliceStable(flat, func(i, j int) bool { return flat[i].start < flat[j].start })
	var b strings.Builder
	at := 0
	for i, e := range flat {
		if i > 0 && e.start == flat[i-1].start && e.end == flat[i-1].end && e.text == flat[i-1].text {
			continue
		}
		if e.start < at || e.end > len(src) {
			continue
		}
		b.WriteString(src[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.WriteString(src[at:])
	return b.String()
}
