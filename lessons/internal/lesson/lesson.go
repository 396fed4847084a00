// Package lesson reads the sources of the gopherlab lessons and builds
// their notebooks, one per edition (English and Chinese), and the variants
// their "Try this" sections describe.
//
// A source, internal/gen/src/NN-topic.txt, is a sequence of sections, each
// introduced by a line of its own:
//
//	-- md --     English markdown; must be followed by
//	-- zh --     the same text in Chinese
//	-- code --   a Go code cell, the same in both editions
//	-- code raises-exception --   a code cell expected to fail
//	-- try N --  the edit that "Try this" item N asks for (not a cell)
//
// # One code, two languages
//
// Text that people read inside code — comments, messages a cell prints —
// is written «English|中文»: the English edition gets the part before the
// first |, the Chinese one the part after it. Everything else in a code
// cell is the same in both editions.
//
// # Tries
//
// A try section holds one or more edits of the lesson's code cells:
//
//	<<<
//	text of one code cell: a whole cell, or a part found once in the lesson
//	===
//	what it becomes
//	>>>
//
// A replacement may hold a line "--- cell ---", which splits the cell there.
// Options after the number tune how tests run the variant: timeout=D
// interrupts a cell the try changed once it has printed something and then
// nothing for D — it hangs — as a learner would with ■.
package lesson

import (
	"fmt"
	"strings"
	"time"

	"github.com/gopherlab/gopherlab/kernel/notebook"
)

// Langs are the languages of the editions, English first.
var Langs = []string{"en", "zh"}

// A Section is one cell of a lesson.
type Section struct {
	Kind   string // "md" or "code"
	En, Zh string // markdown text; En holds a code cell's source (with «en|zh» texts)
	Tags   []string
	// Seed identifies the cell for its id; a section made by a try's split
	// keeps the id of the cell it came from plus a suffix.
	Seed string
	// Edited marks the cells a try changed.
	Edited bool
}

// A Try is the edit one "Try this" item asks for.
type Try struct {
	N       int
	Edits   []Edit
	Timeout time.Duration // interrupt a changed cell silent this long after printing; 0 for none
}

// An Edit replaces Old, the text of part of one code cell, by New.
type Edit struct {
	Old, New string
}

// A Lesson is a parsed source.
type Lesson struct {
	Name     string // NN-topic
	Sections []Section
	Tries    []Try
}

// Parse reads the source of the lesson called name.
func Parse(name, text string) (*Lesson, error) {
	l := &Lesson{Name: name}
	type head struct {
		kind   string
		fields []string
		line   int
	}
	var cur *head
	var body []string
	lineNo := 0
	flush := func() error {
		if cur == nil {
			if strings.TrimSpace(strings.Join(body, "\n")) != "" {
				return fmt.Errorf("line 1: text before the first section")
			}
			return nil
		}
		s := strings.Trim(strings.Join(body, "\n"), "\n")
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("line %d: empty section", cur.line)
		}
		switch cur.kind {
		case "zh":
			n := len(l.Sections)
			if n == 0 || l.Sections[n-1].Kind != "md" || l.Sections[n-1].Zh != "" {
				return fmt.Errorf("line %d: a zh section must follow an md section", cur.line)
			}
			l.Sections[n-1].Zh = s
		case "try":
			t, err := parseTry(cur.fields[1:], s)
			if err != nil {
				return fmt.Errorf("line %d: %w", cur.line, err)
			}
			l.Tries = append(l.Tries, t)
		case "code":
			if err := checkTexts(s); err != nil {
				return fmt.Errorf("line %d: %w", cur.line, err)
			}
			l.Sections = append(l.Sections, Section{Kind: "code", En: s, Tags: cur.fields[1:]})
		default:
			l.Sections = append(l.Sections, Section{Kind: cur.kind, En: s, Tags: cur.fields[1:]})
		}
		return nil
	}
	for _, line := range strings.Split(text, "\n") {
		lineNo++
		if !strings.HasPrefix(line, "-- ") || !strings.HasSuffix(line, " --") || len(line) < 6 {
			body = append(body, line)
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		fields := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(line, "-- "), " --"))
		switch fields[0] {
		case "md", "zh":
			if len(fields) > 1 {
				return nil, fmt.Errorf("line %d: %s takes no tags", lineNo, fields[0])
			}
		case "code", "try":
		default:
			return nil, fmt.Errorf("line %d: unknown section %q (want md, zh, code or try)", lineNo, fields[0])
		}
		cur, body = &head{kind: fields[0], fields: fields, line: lineNo}, nil
	}
	if err := flush(); err != nil {
		return nil, err
	}
	for i, s := range l.Sections {
		if s.Kind == "md" && s.Zh == "" {
			return nil, fmt.Errorf("markdown cell %d (%.30q...) has no zh translation", i+1, s.En)
		}
	}
	seen := map[string]int{}
	for i := range l.Sections {
		s := &l.Sections[i]
		// Ids depend on the lesson and the cell's English text, so both
		// editions share them and an unchanged cell keeps its id when
		// others are inserted.
		seed := l.Name + "\x00" + s.Kind + "\x00" + s.En
		seen[seed]++
		s.Seed = fmt.Sprintf("%s\x00%d", seed, seen[seed])
	}
	for _, t := range l.Tries {
		if _, err := l.WithTry(t.N); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// parseTry reads the body of a try section.
func parseTry(fields []string, body string) (Try, error) {
	var t Try
	if len(fields) == 0 {
		return t, fmt.Errorf("a try needs its number: -- try 1 --")
	}
	if _, err := fmt.Sscanf(fields[0], "%d", &t.N); err != nil || t.N < 1 {
		return t, fmt.Errorf("bad try number %q", fields[0])
	}
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "timeout":
			d, err := time.ParseDuration(v)
			if err != nil {
				return t, fmt.Errorf("try %d: bad timeout %q", t.N, v)
			}
			t.Timeout = d
		default:
			return t, fmt.Errorf("try %d: unknown option %q (want timeout=D)", t.N, f)
		}
	}
	lines := strings.Split(body, "\n")
	for i := 0; i < len(lines); {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		if lines[i] != "<<<" {
			return t, fmt.Errorf("try %d: want <<< to begin an edit, got %q", t.N, lines[i])
		}
		j := i + 1
		for j < len(lines) && lines[j] != "===" {
			j++
		}
		k := j + 1
		for k < len(lines) && lines[k] != ">>>" {
			k++
		}
		if k >= len(lines) {
			return t, fmt.Errorf("try %d: an edit needs <<<, === and >>> lines", t.N)
		}
		e := Edit{Old: strings.Join(lines[i+1:j], "\n"), New: strings.Join(lines[j+1:k], "\n")}
		if strings.TrimSpace(e.Old) == "" {
			return t, fmt.Errorf("try %d: an edit replaces nothing", t.N)
		}
		if err := checkTexts(e.New); err != nil {
			return t, fmt.Errorf("try %d: %w", t.N, err)
		}
		t.Edits = append(t.Edits, e)
		i = k + 1
	}
	if len(t.Edits) == 0 {
		return t, fmt.Errorf("try %d has no edit", t.N)
	}
	return t, nil
}

// WithTry returns a copy of l with the edits of try n applied.
func (l *Lesson) WithTry(n int) (*Lesson, error) {
	var try *Try
	for i := range l.Tries {
		if l.Tries[i].N == n {
			try = &l.Tries[i]
		}
	}
	if try == nil {
		return nil, fmt.Errorf("%s has no try %d", l.Name, n)
	}
	out := &Lesson{Name: l.Name, Sections: append([]Section(nil), l.Sections...)}
	for _, e := range try.Edits {
		at, whole := -1, 0
		for i, s := range out.Sections {
			if s.Kind == "code" && s.En == e.Old {
				at, whole = i, whole+1 // a whole cell counts even if others hold its text
			}
		}
		if whole > 1 {
			return nil, fmt.Errorf("%s try %d: more than one cell is %q", l.Name, n, e.Old)
		}
		for i, s := range out.Sections {
			if s.Kind != "code" || whole == 1 {
				continue
			}
			switch c := strings.Count(s.En, e.Old); {
			case c > 1 || c == 1 && at >= 0:
				return nil, fmt.Errorf("%s try %d: the text to replace is in more than one place: %q", l.Name, n, e.Old)
			case c == 1:
				at = i
			}
		}
		if at < 0 {
			return nil, fmt.Errorf("%s try %d: no code cell holds %q", l.Name, n, e.Old)
		}
		s := out.Sections[at]
		parts := strings.Split(strings.Replace(s.En, e.Old, e.New, 1), "\n--- cell ---\n")
		var repl []Section
		for k, p := range parts {
			c := s
			c.En, c.Edited = strings.Trim(p, "\n"), true
			if k > 0 {
				c.Seed = fmt.Sprintf("%s\x00split %d", s.Seed, k)
			}
			repl = append(repl, c)
		}
		out.Sections = append(out.Sections[:at], append(repl, out.Sections[at+1:]...)...)
	}
	return out, nil
}

// Try returns try n, or nil.
func (l *Lesson) Try(n int) *Try {
	for i := range l.Tries {
		if l.Tries[i].N == n {
			return &l.Tries[i]
		}
	}
	return nil
}

// checkTexts checks the «en|zh» texts of code.
func checkTexts(code string) error {
	rest := code
	for {
		i := strings.Index(rest, "«")
		j := strings.Index(rest, "»")
		switch {
		case i < 0 && j < 0:
			return nil
		case i < 0 || j < i:
			return fmt.Errorf("» without «: %q", clip(rest))
		}
		inner := rest[i+len("«") : j]
		if strings.Contains(inner, "«") {
			return fmt.Errorf("« inside «…»: %q", clip(rest[i:]))
		}
		if !strings.Contains(inner, "|") {
			return fmt.Errorf("«…» without | between English and Chinese: %q", clip(rest[i:]))
		}
		rest = rest[j+len("»"):]
	}
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// Localize returns code with each «en|zh» replaced by its text in lang.
func Localize(code, lang string) string {
	var b strings.Builder
	rest := code
	for {
		i := strings.Index(rest, "«")
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		j := strings.Index(rest[i:], "»")
		if j < 0 {
			b.WriteString(rest)
			return b.String()
		}
		en, zh, _ := strings.Cut(rest[i+len("«"):i+j], "|")
		b.WriteString(rest[:i])
		if lang == "zh" {
			b.WriteString(zh)
		} else {
			b.WriteString(en)
		}
		rest = rest[i+j+len("»"):]
	}
}

// Notebook builds the lesson's notebook in lang ("en" or "zh") without
// outputs.
func (l *Lesson) Notebook(lang string) *notebook.Notebook {
	nb := &notebook.Notebook{
		Format: 4, Minor: 5,
		Metadata: map[string]any{
			"kernelspec": map[string]any{
				"display_name": "Go (gopherlab)",
				"language":     "go",
				"name":         "gopherlab",
			},
			"language_info": map[string]any{
				"codemirror_mode": "go",
				"file_extension":  ".go",
				"mimetype":        "text/x-go",
				"name":            "go",
				"pygments_lexer":  "go",
			},
		},
	}
	for _, s := range l.Sections {
		c := &notebook.Cell{ID: notebook.NewID(s.Seed), Metadata: map[string]any{}}
		switch s.Kind {
		case "md":
			c.Type, c.Source = notebook.Markdown, s.En
			if lang == "zh" {
				c.Source = s.Zh
			}
		case "code":
			c.Type, c.Source = notebook.Code, Localize(s.En, lang)
			if len(s.Tags) > 0 {
				var tags []any
				for _, t := range s.Tags {
					tags = append(tags, t)
				}
				c.Metadata["tags"] = tags
			}
		}
		nb.Cells = append(nb.Cells, c)
	}
	return nb
}
