// Command gen writes the lesson notebooks, English and Chinese, from one
// source per lesson, so that the two editions always have the same code.
//
// Run it from the lessons directory (go generate ./lessons does):
//
//	go run ./internal/gen [-check]
//
// Each source internal/gen/src/NN-topic.txt is a sequence of sections, each
// introduced by a line of its own:
//
//	-- md --     English markdown; must be followed by
//	-- zh --     the same text in Chinese
//	-- code --   a Go code cell, the same in both editions
//	-- code raises-exception --   a code cell expected to fail
//
// gen writes NN-topic.ipynb and zh/NN-topic.ipynb. A code cell whose id and
// source are unchanged keeps the outputs the notebook file already has, so
// rerunning gen after `gopherlab run --inplace` changes nothing. With -check
// gen writes nothing and exits 1 if a notebook is not up to date.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/notebook"
)

func main() {
	check := flag.Bool("check", false, "report notebooks that are not up to date instead of writing them")
	src := flag.String("src", "internal/gen/src", "directory of lesson sources")
	out := flag.String("out", ".", "directory to write the English notebooks to (Chinese ones go to its zh/)")
	flag.Parse()
	stale, err := generate(*src, *out, *check)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if *check && len(stale) > 0 {
		fmt.Fprintf(os.Stderr, "gen: not up to date (run go generate ./lessons): %s\n", strings.Join(stale, ", "))
		os.Exit(1)
	}
}

// An edition is one language of the lessons.
type edition struct {
	dir  string // relative to the output directory
	lang string // "en" or "zh"
}

var editions = []edition{{".", "en"}, {"zh", "zh"}}

// generate builds every lesson in src and writes (or with check, compares)
// the notebooks under out. It returns the paths that differed.
func generate(src, out string, check bool) (stale []string, err error) {
	names, err := filepath.Glob(filepath.Join(src, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no lesson sources in %s", src)
	}
	sort.Strings(names)
	for _, name := range names {
		text, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		base := strings.TrimSuffix(filepath.Base(name), ".txt")
		lesson, err := parse(base, string(text))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, ed := range editions {
			path := filepath.Join(out, ed.dir, base+".ipynb")
			nb := lesson.notebook(ed.lang)
			old, err := os.ReadFile(path)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
			if old != nil {
				if prev, err := notebook.Parse(old); err == nil {
					keepOutputs(nb, prev)
				}
			}
			data, err := nb.Marshal()
			if err != nil {
				return nil, err
			}
			if bytes.Equal(data, old) {
				continue
			}
			stale = append(stale, path)
			if check {
				continue
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				return nil, err
			}
		}
	}
	return stale, nil
}

// A section is one cell of a lesson source.
type section struct {
	kind   string // "md" or "code"
	en, zh string // markdown text; en holds a code cell's source
	tags   []string
}

// A lesson is a parsed source.
type lesson struct {
	name     string
	sections []section
}

// parse reads a lesson source.
func parse(name, text string) (*lesson, error) {
	l := &lesson{name: name}
	var cur *section
	var body []string
	lineNo, headLine := 0, 0
	flush := func() error {
		if cur == nil {
			if strings.TrimSpace(strings.Join(body, "\n")) != "" {
				return fmt.Errorf("line 1: text before the first section")
			}
			return nil
		}
		s := strings.Trim(strings.Join(body, "\n"), "\n")
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("line %d: empty section", headLine)
		}
		switch cur.kind {
		case "zh":
			n := len(l.sections)
			if n == 0 || l.sections[n-1].kind != "md" || l.sections[n-1].zh != "" {
				return fmt.Errorf("line %d: a zh section must follow an md section", headLine)
			}
			l.sections[n-1].zh = s
		default:
			cur.en = s
			l.sections = append(l.sections, *cur)
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
		headLine, body = lineNo, nil
		switch fields[0] {
		case "md", "zh":
			if len(fields) > 1 {
				return nil, fmt.Errorf("line %d: %s takes no tags", lineNo, fields[0])
			}
		case "code":
		default:
			return nil, fmt.Errorf("line %d: unknown section %q (want md, zh or code)", lineNo, fields[0])
		}
		cur = &section{kind: fields[0], tags: fields[1:]}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	for i, s := range l.sections {
		if s.kind == "md" && s.zh == "" {
			return nil, fmt.Errorf("markdown cell %d (%.30q...) has no zh translation", i+1, s.en)
		}
	}
	return l, nil
}

// notebook builds the lesson's notebook in lang without outputs.
func (l *lesson) notebook(lang string) *notebook.Notebook {
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
	seen := map[string]int{}
	for _, s := range l.sections {
		// Ids depend on the lesson and the cell's English text, so both
		// editions share them and an unchanged cell keeps its id when
		// others are inserted.
		seed := l.name + "\x00" + s.kind + "\x00" + s.en
		seen[seed]++
		id := notebook.NewID(fmt.Sprintf("%s\x00%d", seed, seen[seed]))
		c := &notebook.Cell{ID: id, Metadata: map[string]any{}}
		switch s.kind {
		case "md":
			c.Type, c.Source = notebook.Markdown, s.en
			if lang == "zh" {
				c.Source = s.zh
			}
		case "code":
			c.Type, c.Source = notebook.Code, s.en
			if len(s.tags) > 0 {
				var tags []any
				for _, t := range s.tags {
					tags = append(tags, t)
				}
				c.Metadata["tags"] = tags
			}
		}
		nb.Cells = append(nb.Cells, c)
	}
	return nb
}

// keepOutputs copies outputs and execution counts from prev to the code
// cells of nb that have the same id and source.
func keepOutputs(nb, prev *notebook.Notebook) {
	old := map[string]*notebook.Cell{}
	for _, c := range prev.Cells {
		old[c.ID] = c
	}
	for _, c := range nb.Cells {
		p := old[c.ID]
		if c.Type != notebook.Code || p == nil || p.Type != notebook.Code || p.Source != c.Source {
			continue
		}
		c.Outputs, c.ExecutionCount = p.Outputs, p.ExecutionCount
	}
}
