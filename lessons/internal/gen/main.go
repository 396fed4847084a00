// Command gen writes the lesson notebooks, English and Chinese, from one
// source per lesson, so that the two editions always have the same code.
//
// Run it from the lessons directory (go generate ./lessons does):
//
//	go run ./internal/gen [-check]
//
// The sources, internal/gen/src/NN-topic.txt, are described in package
// lessons/internal/lesson: markdown in both languages, code cells whose
// comments and messages are written «English|中文», and the edits each
// "Try this" item asks for, which the tests apply and run.
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
	"github.com/gopherlab/gopherlab/lessons/internal/lesson"
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

// editionDir is where the notebooks of each language go, relative to the
// output directory.
var editionDir = map[string]string{"en": ".", "zh": "zh"}

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
		l, err := lesson.Parse(base, string(text))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, lang := range lesson.Langs {
			path := filepath.Join(out, editionDir[lang], base+".ipynb")
			nb := l.Notebook(lang)
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
