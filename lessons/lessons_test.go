package lessons

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/notebook"
)

const (
	python  = "/usr/bin/python3"
	jupyter = "/usr/bin/jupyter"
)

// lessonFiles returns the English lessons, and with zh the Chinese ones too.
func lessonFiles(t *testing.T) (en, zh []string) {
	t.Helper()
	en, _ = filepath.Glob("[0-9][0-9]-*.ipynb")
	zh, _ = filepath.Glob("zh/[0-9][0-9]-*.ipynb")
	if len(en) != 10 {
		t.Fatalf("found %d English lessons, want 10: %v", len(en), en)
	}
	return en, zh
}

// TestEditionsMatch checks that every lesson exists in both editions with
// the same cells: identical code cells, translated markdown.
func TestEditionsMatch(t *testing.T) {
	en, zh := lessonFiles(t)
	if len(zh) != len(en) {
		t.Fatalf("%d Chinese lessons for %d English ones", len(zh), len(en))
	}
	for _, name := range en {
		a, err := notebook.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := notebook.ReadFile(filepath.Join("zh", name))
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Cells) != len(b.Cells) {
			t.Errorf("%s: %d cells in English, %d in Chinese", name, len(a.Cells), len(b.Cells))
			continue
		}
		for i, c := range a.Cells {
			d := b.Cells[i]
			switch {
			case c.Type != d.Type:
				t.Errorf("%s cell %d: %s in English, %s in Chinese", name, i+1, c.Type, d.Type)
			case c.Type == notebook.Code && (c.Source != d.Source || fmt.Sprint(c.Tags()) != fmt.Sprint(d.Tags())):
				t.Errorf("%s cell %d: the code differs between the editions", name, i+1)
			case c.Type == notebook.Markdown && c.Source == d.Source:
				t.Errorf("%s cell %d: markdown is not translated", name, i+1)
			}
		}
	}
}

// buildGopherlab builds the gopherlab command from this tree into a
// temporary directory.
func buildGopherlab(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bin", "gopherlab")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/gopherlab/gopherlab/kernel/cmd/gopherlab")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// copyLessons copies the lessons to a temporary directory (en/ and zh/), so
// that runs do not touch the committed notebooks.
func copyLessons(t *testing.T) (dir string, paths []string) {
	t.Helper()
	en, zh := lessonFiles(t)
	dir = t.TempDir()
	for _, src := range append(en, zh...) {
		dst := filepath.Join(dir, "en", src)
		if strings.HasPrefix(src, "zh") {
			dst = filepath.Join(dir, src)
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, dst)
	}
	return dir, paths
}

// TestLessonsRun runs every lesson, both editions, with `gopherlab run
// --inplace` and checks what each lesson teaches in its outputs.
func TestLessonsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the lesson runs (real processes, about a minute) under -short")
	}
	t.Parallel()
	bin := buildGopherlab(t)
	dir, _ := copyLessons(t)
	for _, ed := range []string{"en", "zh"} {
		t.Run(ed, func(t *testing.T) {
			t.Parallel()
			paths, _ := filepath.Glob(filepath.Join(dir, ed, "*.ipynb"))
			for _, path := range paths {
				cmd := exec.Command(bin, "run", "--inplace", "--timeout", "2m", path)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Errorf("gopherlab run %s: %v\n%s", path, err, out)
				}
				checkLesson(t, path)
			}
		})
	}
}

// TestLessonsNbclient runs every lesson through the real kernel with
// Jupyter's nbclient and checks the outputs. It runs the English edition:
// the Chinese one has the same code cells (TestEditionsMatch), and
// TestLessonsRun runs both.
func TestLessonsNbclient(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the nbclient runs under -short")
	}
	if _, err := os.Stat(jupyter); err != nil {
		t.Skipf("skipping: %s is absent (apt-get install jupyter-nbconvert python3-nbclient)", jupyter)
	}
	t.Parallel()
	bin := buildGopherlab(t)
	prefix := filepath.Dir(filepath.Dir(bin))
	if out, err := exec.Command(bin, "install", "--prefix", prefix).CombinedOutput(); err != nil {
		t.Fatalf("gopherlab install --prefix: %v\n%s", err, out)
	}
	dir, _ := copyLessons(t)
	for _, ed := range []string{"en"} {
		in, _ := filepath.Glob(filepath.Join(dir, ed, "*.ipynb"))
		out := filepath.Join(dir, "out-"+ed)
		os.Mkdir(out, 0o755)
		cmd := exec.Command(python, append([]string{"testdata/nbclient_run.py", "gopherlab", out}, in...)...)
		cmd.Env = append(os.Environ(),
			"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
			"JUPYTER_RUNTIME_DIR="+filepath.Join(prefix, "runtime"),
			"JUPYTER_DATA_DIR="+filepath.Join(prefix, "data"),
		)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("nbclient (%s): %v\n%s", ed, err, b)
		}
		for _, path := range in {
			checkLesson(t, filepath.Join(out, filepath.Base(path)))
		}
	}
}

// checkLesson checks the outputs of an executed lesson: no cell failed
// unless tagged raises-exception, the check cells say ✓, and the behaviour
// the lesson teaches shows in the output.
func checkLesson(t *testing.T, path string) {
	t.Helper()
	nb, err := notebook.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	name := filepath.Base(path)
	ok, bad := 0, 0
	for i, c := range nb.Cells {
		if c.Type != notebook.Code {
			continue
		}
		if c.ExecutionCount == 0 {
			t.Errorf("%s cell %d was not run", path, i+1)
		}
		text := cellText(c)
		ok += strings.Count(text, "✓")
		bad += strings.Count(text, "✗")
		failed := false
		for _, o := range c.Outputs {
			failed = failed || o.Type == notebook.ErrorOutput
		}
		if failed != c.HasTag(notebook.RaisesException) {
			t.Errorf("%s cell %d: failed = %v, tagged raises-exception = %v:\n%s", path, i+1, failed, !failed, text)
		}
	}
	if ok == 0 || bad > 0 {
		t.Errorf("%s: the check cells say ✓ %d times and ✗ %d times", path, ok, bad)
	}
	check := lessonChecks[name[:2]]
	if check == nil {
		t.Errorf("%s: no checks for this lesson", path)
		return
	}
	check(&lessonT{T: t, nb: nb, path: path})
}

// cellText is everything a cell showed as text: streams, results, errors.
func cellText(c *notebook.Cell) string {
	var b strings.Builder
	for _, o := range c.Outputs {
		b.WriteString(o.PlainText())
		if o.Type != notebook.Stream {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// lessonT finds cells of one executed lesson by their source.
type lessonT struct {
	*testing.T
	nb   *notebook.Notebook
	path string
}

// cell returns the first code cell whose source contains all of parts.
func (l *lessonT) cell(parts ...string) *notebook.Cell {
	l.Helper()
	for _, c := range l.nb.Cells {
		if c.Type != notebook.Code {
			continue
		}
		found := true
		for _, p := range parts {
			found = found && strings.Contains(c.Source, p)
		}
		if found {
			return c
		}
	}
	l.Fatalf("%s: no code cell contains %q", l.path, parts)
	return nil
}

// exact returns the text output of the code cell whose source is src.
func (l *lessonT) exact(src string) string {
	l.Helper()
	for _, c := range l.nb.Cells {
		if c.Type == notebook.Code && strings.TrimSpace(c.Source) == src {
			return cellText(c)
		}
	}
	l.Fatalf("%s: no code cell is %q", l.path, src)
	return ""
}

// text returns the text output of the cell containing parts.
func (l *lessonT) text(parts ...string) string {
	l.Helper()
	return cellText(l.cell(parts...))
}

// contains checks that text has each of want, in order.
func (l *lessonT) contains(what, text string, want ...string) {
	l.Helper()
	rest := text
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			l.Errorf("%s: %s: want %q (after the previous ones) in:\n%s", l.path, what, w, text)
			return
		}
		rest = rest[i+len(w):]
	}
}

// hasSVG checks that the code cell whose source is src shows a picture.
func (l *lessonT) hasSVG(src string) {
	l.Helper()
	for _, c := range l.nb.Cells {
		if c.Type != notebook.Code || strings.TrimSpace(c.Source) != src {
			continue
		}
		for _, o := range c.Outputs {
			if s, _ := o.Data["image/svg+xml"].(string); strings.Contains(s, "<svg") {
				return
			}
		}
		l.Errorf("%s: the cell %q shows no SVG timeline; its outputs: %q", l.path, src, cellText(c))
		return
	}
	l.Errorf("%s: no code cell is %q", l.path, src)
}

var addLine = regexp.MustCompile(`(?m)^(init )?add(\d) number = (-?\d+)$`)

// adds parses the tutorial's "add1 number = 3" lines: the process (1 or 3)
// and the number of each, in order.
func adds(text string) (procs []string, numbers []int) {
	for _, m := range addLine.FindAllStringSubmatch(text, -1) {
		procs = append(procs, m[2])
		n, _ := strconv.Atoi(m[3])
		numbers = append(numbers, n)
	}
	return procs, numbers
}

// turns counts how often consecutive lines come from different processes.
func turns(procs []string) int {
	n := 0
	for i := 1; i < len(procs); i++ {
		if procs[i] != procs[i-1] {
			n++
		}
	}
	return n
}

// mainEnd checks that the parent printed "main end" once. Where it comes
// among the children's lines is a race, as in Python: usually first, since
// the parent does not wait after Start, but a child may print before it.
func (l *lessonT) mainEnd(text string) {
	l.Helper()
	if n := strings.Count(text, "main end\n"); n != 1 {
		l.Errorf("%s: main end printed %d times, want once:\n%s", l.path, n, text)
	}
}

// tutorial checks the output of one of the tutorial's two-adder programs:
// 12 lines, interleaved or grouped, and the last numbers each process
// printed (unless last1 is negative).
func (l *lessonT) tutorial(text string, interleaved bool, last1, last3 int) {
	l.Helper()
	procs, nums := adds(text)
	if len(procs) != 12 {
		l.Errorf("%s: %d add lines, want 12:\n%s", l.path, len(procs), text)
		return
	}
	switch n := turns(procs); {
	case interleaved && n < 2:
		l.Errorf("%s: the processes' lines do not interleave (%d turns):\n%s", l.path, n, text)
	case !interleaved && n != 1:
		l.Errorf("%s: the lines of the two processes mix under the lock (%d turns):\n%s", l.path, n, text)
	}
	got := map[string]int{}
	for i, p := range procs {
		got[p] = nums[i]
	}
	if last1 >= 0 && (got["1"] != last1 || got["3"] != last3) {
		l.Errorf("%s: add1 ended at %d and add3 at %d, want %d and %d:\n%s", l.path, got["1"], got["3"], last1, last3, text)
	}
}

// lessonChecks holds, per lesson number, what its output must show.
var lessonChecks = map[string]func(l *lessonT){
	"00": func(l *lessonT) {
		l.contains("hello", l.text(`greet("gopher")`), "hello, gopher")
		l.contains("result", l.text(`greet("notebook")`), `hello, notebook!`)
		l.contains("error", l.text("total += p"), "cell line 3", "undefined: total")
	},
	"01": func(l *lessonT) {
		text := l.text(`mp.NewProcess(work, "A", 5)`)
		m := regexp.MustCompile(`child A \(pid (\d+)\): counter = 5\n(?s:.*)parent \(pid (\d+)\): counter = 0`).FindStringSubmatch(text)
		if m == nil || m[1] == m[2] {
			l.Errorf("%s: want the child (counter 5) then the parent (counter 0) with different pids:\n%s", l.path, text)
		}
		l.contains("without join", l.text("slowWork"), "main end\n", "counter = ")
		l.contains("process state", l.text("p.ExitCode()"), "exit code: 0", "alive: false")
	},
	"02": func(l *lessonT) {
		text := l.text(`p2 := mp.NewProcess(add, number, 3)`)
		l.mainEnd(text)
		l.tutorial(text, true, 5, 15)
		l.contains("number", l.exact("number"), "0")
		l.hasSVG("steps.Timeline()")
	},
	"03": func(l *lessonT) {
		text := l.text(`p2 := mp.NewProcess(add, number, 3, lock)`)
		l.mainEnd(text)
		l.tutorial(text, false, 5, 15)
		l.hasSVG("lock.Timeline()")
	},
	"04": func(l *lessonT) {
		text := l.text(`p2 := mp.NewProcess(add, number, 3, lock)`)
		l.mainEnd(text)
		l.tutorial(text, false, 5, 15)
		l.contains("parent", text, "parent sees: Lock(locked by pid")
		l.hasSVG("lock.Timeline()")
	},
	"05": func(l *lessonT) {
		text := l.text(`p2 := mp.NewProcess(add, number, 3)`)
		l.mainEnd(text)
		l.tutorial(text, true, -1, -1)
		if _, nums := adds(text); len(nums) > 0 && nums[len(nums)-1] != 20 {
			l.Errorf("%s: the last line printed %d, want 20", l.path, nums[len(nums)-1])
		}
		l.contains("value", l.exact("number.Load()"), "20")
		l.hasSVG("steps.Timeline()")
	},
	"06": func(l *lessonT) {
		text := l.text(`p2 := mp.NewProcess(add, number, 3, lock)`)
		l.mainEnd(text)
		l.tutorial(text, false, -1, -1)
		procs, nums := adds(text)
		if len(nums) == 12 {
			// The first process counts from 0 alone; the second starts where it stopped.
			first, second := nums[5], nums[11]
			if !(procs[0] == "1" && first == 5 || procs[0] == "3" && first == 15) || second != 20 || nums[6] != first {
				l.Errorf("%s: want 1..5 then 8..20 (or 3..15 then 16..20):\n%s", l.path, text)
			}
		}
		l.hasSVG("lock.Timeline()")
	},
	"07": func(l *lessonT) {
		text := l.text("p3 := mp.NewProcess(change, arr)")
		l.contains("array", text, "[0 1 2 3 4 5 6 7 8 9]\n", "[0 -1 -2 -3 -4 -5 -6 -7 -8 -9]\n", "main end\n")
		l.tutorial(text, false, -1, -1)
		l.contains("value", l.exact("number.Load()"), "20")
		l.hasSVG("lock.Timeline()")
	},
	"08": func(l *lessonT) {
		both := `reader:   read "line 1, written by the writer\nline 2, appended by the appender\n"`
		l.contains("turns", l.text("turnWriter, path, lock, turn"), "writer:   wrote line 1", "appender: appended line 2", both)
		l.contains("join", l.text("jw.Join()"), "writer:   wrote line 1", "appender: appended line 2", both)
		l.hasSVG("lock.Timeline()")
	},
	"09": func(l *lessonT) {
		text := l.text("crasher := mp.NewProcess(crash, lock)")
		l.contains("crasher", text, "crasher: I hold the lock", "crash while holding the lock")
		l.contains("patient", text, "the previous owner died: true")
		l.contains("joins", text, "crasher ended: mp: Process-1 exited with code 1", "patient ended: <nil>")
		l.contains("counts", l.text("atomicAdd(v *mp.Value"), "locked  final  20000", "atomic  final  20000")
		l.hasSVG("lock.Timeline()")
	},
}
