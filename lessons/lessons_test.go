package lessons

import (
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/notebook"
	"github.com/gopherlab/gopherlab/lessons/internal/lesson"
)

const (
	python  = "/usr/bin/python3"
	jupyter = "/usr/bin/jupyter"
)

// lessonCount is how many lessons there are, in each edition.
const lessonCount = 16

// RepeatEnv names the environment variable that sets how many times
// TestLessonsRepeat runs each lesson and each try through the real kernel
// (.ci/run sets it to 5). Unset, the test is skipped.
const RepeatEnv = "GOPHERLAB_LESSONS_REPEAT"

// ParallelEnv names the environment variable that sets how many lesson runs
// go at once (default 3).
const ParallelEnv = "GOPHERLAB_LESSONS_PARALLEL"

// sources parses every lesson source, by name (NN-topic).
func sources(t *testing.T) map[string]*lesson.Lesson {
	t.Helper()
	names, _ := filepath.Glob("internal/gen/src/*.txt")
	if len(names) != lessonCount {
		t.Fatalf("found %d lesson sources, want %d: %v", len(names), lessonCount, names)
	}
	out := map[string]*lesson.Lesson{}
	for _, n := range names {
		text, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(filepath.Base(n), ".txt")
		l, err := lesson.Parse(base, string(text))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out[base] = l
	}
	return out
}

// lessonFiles returns the English lessons, and the Chinese ones.
func lessonFiles(t *testing.T) (en, zh []string) {
	t.Helper()
	en, _ = filepath.Glob("[0-9][0-9]-*.ipynb")
	zh, _ = filepath.Glob("zh/[0-9][0-9]-*.ipynb")
	if len(en) != lessonCount || len(zh) != lessonCount {
		t.Fatalf("found %d English and %d Chinese lessons, want %d of each", len(en), len(zh), lessonCount)
	}
	return en, zh
}

// TestEditionsMatch checks that every lesson exists in both editions with
// the same cells: translated markdown, and code cells that are the same Go
// but for the words people read (string literals and comments).
func TestEditionsMatch(t *testing.T) {
	en, _ := lessonFiles(t)
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
			case c.Type == notebook.Code && fmt.Sprint(c.Tags()) != fmt.Sprint(d.Tags()):
				t.Errorf("%s cell %d: the tags differ between the editions", name, i+1)
			case c.Type == notebook.Code && goTokens(c.Source) != goTokens(d.Source):
				t.Errorf("%s cell %d: the code differs between the editions:\n%s\n----\n%s", name, i+1, goTokens(c.Source), goTokens(d.Source))
			case c.Type == notebook.Markdown && c.Source == d.Source:
				t.Errorf("%s cell %d: markdown is not translated", name, i+1)
			}
		}
	}
}

// goTokens returns the Go tokens of src, one a line, with the text of
// string literals and comments left out.
func goTokens(src string) string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", fset.Base(), len(src)), []byte(src), nil, 0)
	var b strings.Builder
	for {
		_, tok, lit := s.Scan()
		switch tok {
		case token.EOF:
			return b.String()
		case token.STRING:
			if strings.HasPrefix(lit, "`") {
				lit = "`…`"
			} else {
				lit = `"…"`
			}
		}
		fmt.Fprintln(&b, tok, lit)
	}
}

// TestEveryTryChecked checks that every "Try this" edit in the sources has
// a check of what its text promises, and every check a try.
func TestEveryTryChecked(t *testing.T) {
	have := map[string]bool{}
	for name, l := range sources(t) {
		for _, tr := range l.Tries {
			key := fmt.Sprintf("%s-%d", name[:2], tr.N)
			have[key] = true
			if tryChecks[key] == nil {
				t.Errorf("%s try %d has no check in tryChecks[%q]", name, tr.N, key)
			}
		}
		if lessonChecks[name[:2]] == nil {
			t.Errorf("%s has no check in lessonChecks", name)
		}
	}
	for key := range tryChecks {
		if !have[key] {
			t.Errorf("tryChecks[%q] checks a try the sources do not have", key)
		}
	}
}

// A job is one run of a lesson, in one edition, perhaps with a try applied.
type job struct {
	name    string // NN-topic
	lang    string
	try     int           // 0: the lesson as it is
	timeout time.Duration // interrupt a cell running longer; 0: none
	in, out string        // the notebook to run and the executed one
}

func (j job) String() string {
	s := j.name + " (" + j.lang + ")"
	if j.try > 0 {
		s += fmt.Sprintf(" try %d", j.try)
	}
	return s
}

// runner runs lesson notebooks with the gopherlab built from this tree.
type runner struct {
	bin    string // gopherlab
	prefix string // where its kernelspec is installed
	kernel bool   // through the real kernel with kernel_run.py, else gopherlab run
}

// newRunner builds gopherlab and, for kernel runs, installs its kernelspec.
func newRunner(t *testing.T, kernel bool) *runner {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "gopherlab")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/gopherlab/gopherlab/kernel/cmd/gopherlab")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	r := &runner{bin: bin, prefix: dir, kernel: kernel}
	if kernel {
		if out, err := exec.Command(bin, "install", "--prefix", dir).CombinedOutput(); err != nil {
			t.Fatalf("gopherlab install --prefix: %v\n%s", err, out)
		}
	}
	return r
}

// needJupyter skips the test when the Jupyter packages are missing.
func needJupyter(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(jupyter); err != nil {
		t.Skipf("skipping: %s is absent (apt-get install jupyter-nbconvert python3-nbclient)", jupyter)
	}
}

// run executes j and returns what the run printed when it went wrong.
func (r *runner) run(j job) error {
	var cmd *exec.Cmd
	if r.kernel {
		cmd = exec.Command(python, "testdata/kernel_run.py", "gopherlab", j.out, j.in)
		cmd.Env = append(os.Environ(),
			"JUPYTER_PATH="+filepath.Join(r.prefix, "share", "jupyter"),
			"JUPYTER_RUNTIME_DIR="+filepath.Join(r.prefix, "runtime"),
			"JUPYTER_DATA_DIR="+filepath.Join(r.prefix, "data"),
		)
	} else {
		data, err := os.ReadFile(j.in)
		if err != nil {
			return err
		}
		if err := os.WriteFile(j.out, data, 0o644); err != nil {
			return err
		}
		if j.timeout > 0 {
			return fmt.Errorf("%s interrupts a cell: run it through the kernel", j)
		}
		cmd = exec.Command(r.bin, "run", "--inplace", "--keep-going", "--quiet", "--timeout", "3m", j.out)
	}
	out, err := cmd.CombinedOutput()
	if err != nil && r.kernel {
		return fmt.Errorf("%v\n%s", err, out)
	}
	return nil // gopherlab run fails when a cell fails: the checks say which
}

// parallel is how many runs go at once.
func parallel() int {
	if n, err := strconv.Atoi(os.Getenv(ParallelEnv)); err == nil && n > 0 {
		return n
	}
	return 3
}

// slots bounds the lesson runs going at once, across the tests of the
// package, which run in parallel.
var (
	slotsOnce sync.Once
	slots     chan struct{}
)

// runAll runs the jobs, parallel() at a time across all tests, and calls
// check for each executed notebook, in the test goroutine.
func (r *runner) runAll(t *testing.T, jobs []job, check func(t *testing.T, j job, nb *notebook.Notebook)) {
	t.Helper()
	type result struct {
		j   job
		err error
		d   time.Duration
	}
	results := make(chan result)
	slotsOnce.Do(func() { slots = make(chan struct{}, parallel()) })
	sem := slots
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			start := time.Now()
			err := r.run(j)
			results <- result{j, err, time.Since(start)}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	for res := range results {
		t.Run(strings.ReplaceAll(res.j.String(), " ", "_"), func(t *testing.T) {
			t.Logf("ran in %v", res.d.Round(time.Millisecond))
			if res.err != nil {
				t.Fatalf("%s: %v", res.j, res.err)
			}
			nb, err := notebook.ReadFile(res.j.out)
			if err != nil {
				t.Fatal(err)
			}
			check(t, res.j, nb)
		})
	}
}

// lessonJobs makes a job for each lesson and each edition in langs, times
// times, writing the notebooks to a temporary directory.
func lessonJobs(t *testing.T, src map[string]*lesson.Lesson, times int, langs ...string) []job {
	dir := t.TempDir()
	var jobs []job
	for k := 0; k < times; k++ {
		for _, l := range src {
			if times == 1 {
				for _, lang := range langs {
					jobs = append(jobs, writeJob(t, dir, l, lang, 0, k))
				}
				continue
			}
			// Repeated runs alternate the editions.
			jobs = append(jobs, writeJob(t, dir, l, langs[k%len(langs)], 0, k))
		}
	}
	return jobs
}

// tryJobs makes a job for each try of each lesson, times times, in English
// and, from the second time on, alternately in Chinese.
func tryJobs(t *testing.T, src map[string]*lesson.Lesson, times int) []job {
	dir := t.TempDir()
	var jobs []job
	for k := 0; k < times; k++ {
		for _, l := range src {
			for _, tr := range l.Tries {
				lang := lesson.Langs[k%2]
				jobs = append(jobs, writeJob(t, dir, l, lang, tr.N, k))
			}
		}
	}
	return jobs
}

// writeJob writes the notebook of lesson l in lang, with try n applied when
// n > 0, and returns the job that runs it.
func writeJob(t *testing.T, dir string, l *lesson.Lesson, lang string, n, k int) job {
	t.Helper()
	j := job{name: l.Name, lang: lang, try: n}
	v := l
	if n > 0 {
		var err error
		if v, err = l.WithTry(n); err != nil {
			t.Fatal(err)
		}
		j.timeout = l.Try(n).Timeout
	}
	base := fmt.Sprintf("%s-%s-t%d-r%d", l.Name, lang, n, k)
	j.in = filepath.Join(dir, base+".ipynb")
	j.out = filepath.Join(dir, base+".out.ipynb")
	nb := v.Notebook(lang)
	if j.timeout > 0 {
		// kernel_run.py interrupts these cells, as a learner would.
		for i, s := range v.Sections {
			if s.Edited && s.Kind == "code" {
				nb.Cells[i].Metadata["gopherlab_interrupt_after"] = j.timeout.Seconds()
			}
		}
	}
	if err := notebook.WriteFile(j.in, nb); err != nil {
		t.Fatal(err)
	}
	return j
}

// TestLessonsRun runs every lesson, both editions, with `gopherlab run` and
// checks what each lesson says its output shows.
func TestLessonsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the lesson runs (real processes, about a minute) under -short")
	}
	t.Parallel()
	r := newRunner(t, false)
	r.runAll(t, lessonJobs(t, sources(t), 1, lesson.Langs...), checkJob)
}

// TestLessonTries runs every "Try this" edit of every lesson once, in
// English, through the real kernel (some tries interrupt a cell, as the
// learner is told to), and checks what the text promises.
func TestLessonTries(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the tries (real processes) under -short")
	}
	needJupyter(t)
	t.Parallel()
	r := newRunner(t, true)
	r.runAll(t, tryJobs(t, sources(t), 1), checkJob)
}

// TestLessonsRepeat runs every lesson through the real kernel
// $GOPHERLAB_LESSONS_REPEAT times, alternating the editions, and checks
// every claim of the text in every run, the live views included. (Each try
// runs once, in TestLessonTries; GOPHERLAB_LESSONS_REPEAT_TRIES=N repeats
// them too.)
func TestLessonsRepeat(t *testing.T) {
	times, _ := strconv.Atoi(os.Getenv(RepeatEnv))
	if times <= 0 || testing.Short() {
		t.Skipf("skipping: set %s=N to run each lesson and try N times through the kernel", RepeatEnv)
	}
	needJupyter(t)
	t.Parallel()
	src := sources(t)
	r := newRunner(t, true)
	start := time.Now()
	jobs := lessonJobs(t, src, times, lesson.Langs...)
	if n, _ := strconv.Atoi(os.Getenv("GOPHERLAB_LESSONS_REPEAT_TRIES")); n > 0 {
		jobs = append(jobs, tryJobs(t, src, n)...)
	}
	r.runAll(t, jobs, checkJob)
	t.Logf("%d runs in %v with %d at a time", len(jobs), time.Since(start).Round(time.Second), parallel())
}

// TestLessonsNbclient runs every English lesson through the real kernel
// with Jupyter's nbclient and checks the outputs.
func TestLessonsNbclient(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the nbclient runs under -short")
	}
	needJupyter(t)
	t.Parallel()
	r := newRunner(t, true)
	en, _ := lessonFiles(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	var in []string
	for _, name := range en {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		in = append(in, p)
	}
	cmd := exec.Command(python, append([]string{"testdata/nbclient_run.py", "gopherlab", out}, in...)...)
	cmd.Env = append(os.Environ(),
		"JUPYTER_PATH="+filepath.Join(r.prefix, "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(r.prefix, "runtime"),
		"JUPYTER_DATA_DIR="+filepath.Join(r.prefix, "data"),
	)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("nbclient: %v\n%s", err, b)
	}
	for _, p := range in {
		name := filepath.Base(p)
		nb, err := notebook.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Error(err)
			continue
		}
		checkJob(t, job{name: strings.TrimSuffix(name, ".ipynb"), lang: "en", out: filepath.Join(out, name)}, nb)
	}
}

// TestCommittedOutputs checks the outputs the notebooks are committed with,
// as a learner first sees them: every code cell ran, and they show what
// the lessons say, in the edition's language.
func TestCommittedOutputs(t *testing.T) {
	en, zh := lessonFiles(t)
	for i, path := range append(en, zh...) {
		lang := "en"
		if i >= len(en) {
			lang = "zh"
		}
		nb, err := notebook.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(path), ".ipynb")
		t.Run(lang+"/"+name, func(t *testing.T) {
			checkJob(t, job{name: name, lang: lang, out: path}, nb)
		})
	}
}

// checkJob checks one executed notebook: the generic checks, then what the
// lesson (or the try) says.
func checkJob(t *testing.T, j job, nb *notebook.Notebook) {
	t.Helper()
	l := &lessonT{T: t, nb: nb, path: j.out, lang: j.lang, job: j}
	if j.try == 0 {
		l.generic()
		lessonChecks[j.name[:2]](l)
		return
	}
	l.language()
	tryChecks[fmt.Sprintf("%s-%d", j.name[:2], j.try)](l)
}

// lessonT finds cells of one executed lesson by their source and checks
// what they show.
type lessonT struct {
	*testing.T
	nb   *notebook.Notebook
	path string
	lang string
	job  job
}

// tr returns en in the English edition and zh in the Chinese one.
func (l *lessonT) tr(en, zh string) string {
	if l.lang == "zh" {
		return zh
	}
	return en
}

// generic checks what every lesson run must show: every code cell ran, no
// cell failed unless tagged raises-exception, the check cells say ✓ and
// never ✗, no output arrived after its cell ended, and the outputs are in
// the edition's language.
func (l *lessonT) generic() {
	l.Helper()
	ok, bad := 0, 0
	for i, c := range l.nb.Cells {
		if c.Type != notebook.Code {
			continue
		}
		if c.ExecutionCount == 0 {
			l.Errorf("%s cell %d was not run", l.path, i+1)
		}
		text := cellText(c)
		ok += strings.Count(text, "✓")
		bad += strings.Count(text, "✗")
		failed := false
		for _, o := range c.Outputs {
			failed = failed || o.Type == notebook.ErrorOutput
		}
		if failed != c.HasTag(notebook.RaisesException) {
			l.Errorf("%s cell %d: failed = %v, tagged raises-exception = %v:\n%s", l.path, i+1, failed, !failed, text)
		}
		if m := internals.FindString(text); m != "" {
			l.Errorf("%s cell %d shows the kernel's insides (%q) to the learner:\n%s", l.path, i+1, m, text)
		}
		if late, _ := c.Metadata["gopherlab_late"].(float64); late > 0 {
			l.Errorf("%s cell %d: %v outputs arrived after the cell ended", l.path, i+1, late)
		}
	}
	// Lesson 15's check grades the learner's code, which the lesson leaves
	// for them to write: it says "not yet"; its tries check the rest.
	if l.job.name[:2] != "15" && (ok == 0 || bad > 0) {
		var checks []string
		for _, c := range l.nb.Cells {
			if text := cellText(c); c.Type == notebook.Code && strings.ContainsAny(text, "✓✗") {
				checks = append(checks, text)
			}
		}
		l.Errorf("%s: the check cells say ✓ %d times and ✗ %d times:\n%s", l.path, ok, bad, strings.Join(checks, "\n"))
	}
	l.language()
}

var (
	// internals finds what the kernel must keep to itself: its log lines,
	// the interpreter, paths of the machine that ran the lesson.
	internals = regexp.MustCompile(`(?m)^gopherlab: |\.cache/gopherlab|yaegi|/pkg/mod/`)
	han       = regexp.MustCompile(`\p{Han}`)
	// english finds English words that no Chinese sentence of ours holds.
	english = regexp.MustCompile(`(?i)\b(the|and|was|were|is|are|not|of|to|with|from|held|holds|waits?|waiting|running|finished|free|made|lost|took|who|when|still|says)\b`)
	tags    = regexp.MustCompile(`<[^>]*>`)
	// calls finds code a sentence quotes, such as mp.NewProcess(f, from, to).
	calls = regexp.MustCompile(`[\w.]+\([^)]*\)`)
)

// readable returns the text people read in an output: streams but
// stderr, text and HTML of displays and results without tags, and the
// text nodes of SVG pictures. Errors and stderr carry the messages of Go and
// of the kernel, which are English in both editions.
func readable(o *notebook.Output) string {
	switch o.Type {
	case notebook.Stream:
		if o.Name == "stdout" {
			return o.Text
		}
	case notebook.DisplayData, notebook.ExecuteResult:
		var b strings.Builder
		for _, mime := range []string{"text/plain", "text/html", "image/svg+xml"} {
			if s, ok := o.Data[mime].(string); ok {
				if mime != "text/plain" {
					s = tags.ReplaceAllString(s, "\n")
				}
				b.WriteString(s + "\n")
			}
		}
		return b.String()
	}
	return ""
}

// language checks that the outputs are in the edition's language: no
// Chinese in the English edition; in the Chinese one, Chinese check lines,
// pictures and views, and none of the English words our sentences use.
func (l *lessonT) language() {
	l.Helper()
	for i, c := range l.nb.Cells {
		if c.Type != notebook.Code {
			continue
		}
		for _, o := range c.Outputs {
			text := readable(o)
			switch l.lang {
			case "en":
				if m := han.FindString(text); m != "" {
					l.Errorf("%s cell %d: Chinese in the English edition's output:\n%s", l.path, i+1, text)
				}
			case "zh":
				for _, line := range strings.Split(text, "\n") {
					if w := english.FindString(calls.ReplaceAllString(line, "")); w != "" && !allowedEnglish(line) {
						l.Errorf("%s cell %d: English word %q in the Chinese edition's output: %q", l.path, i+1, w, line)
					}
					if strings.ContainsAny(line, "✓✗") && !han.MatchString(line) {
						l.Errorf("%s cell %d: a check line without Chinese: %q", l.path, i+1, line)
					}
				}
			}
		}
	}
}

// allowedEnglish reports whether a line of the Chinese edition may hold
// English words: the tutorial's own output lines, which both editions
// print the same way, and the runtime's error messages ("mp: ..."), which
// are Go's, in English in both.
func allowedEnglish(line string) bool {
	code := strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "func ") || line == "}" // Go code a cell prints (lesson 15's solution)
	line = strings.TrimSpace(line)
	return code || addLine.MatchString(line) || line == "main end" || strings.HasPrefix(line, "mp: ")
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

// stdout returns what the cell containing parts printed on standard output.
func (l *lessonT) stdout(parts ...string) string {
	l.Helper()
	var b strings.Builder
	for _, o := range l.cell(parts...).Outputs {
		if o.Type == notebook.Stream && o.Name == "stdout" {
			b.WriteString(o.Text)
		}
	}
	return b.String()
}

// stderr returns what the cell containing parts printed on standard error
// and its error, if it failed.
func (l *lessonT) stderr(parts ...string) string {
	l.Helper()
	var b strings.Builder
	for _, o := range l.cell(parts...).Outputs {
		if o.Type == notebook.Stream && o.Name == "stderr" || o.Type == notebook.ErrorOutput {
			b.WriteString(o.PlainText())
		}
	}
	return b.String()
}

// failed reports whether the cell containing parts ended with an error.
func (l *lessonT) failed(parts ...string) bool {
	l.Helper()
	for _, o := range l.cell(parts...).Outputs {
		if o.Type == notebook.ErrorOutput {
			return true
		}
	}
	return false
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

// lacks checks that text has none of unwanted.
func (l *lessonT) lacks(what, text string, unwanted ...string) {
	l.Helper()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			l.Errorf("%s: %s: %q should not be in:\n%s", l.path, what, w, text)
		}
	}
}

// svg returns the SVG picture the code cell whose source is src shows.
func (l *lessonT) svg(src string) string {
	l.Helper()
	for _, c := range l.nb.Cells {
		if c.Type != notebook.Code || strings.TrimSpace(c.Source) != src {
			continue
		}
		for _, o := range c.Outputs {
			if s, _ := o.Data["image/svg+xml"].(string); strings.Contains(s, "<svg") {
				return s
			}
		}
		l.Errorf("%s: the cell %q shows no SVG picture; its outputs: %q", l.path, src, cellText(c))
		return ""
	}
	l.Errorf("%s: no code cell is %q", l.path, src)
	return ""
}

// A bar is one hold or wait a timeline picture draws, read back from its
// tooltip.
type bar struct {
	process    string
	pid        int
	from, to   float64 // ms from the first event
	wait, open bool
}

var barTitle = regexp.MustCompile(`<rect [^>]*fill="([^"]*)"[^>]*><title>(\S+) \(pid (\d+)\)\s*(held the lock|waited|持有锁|等待) ([0-9.]+) (?:ms|毫秒) \.\. ([0-9.]+) (?:ms|毫秒)</title>`)

// timeline reads the bars of the timeline picture of the cell src: the
// holds, in time order, and the waits.
func (l *lessonT) timeline(src string) (holds, waits []bar) {
	l.Helper()
	svg := l.svg(src)
	svg = strings.ReplaceAll(strings.ReplaceAll(svg, "（", " ("), "）", ")")
	for _, m := range barTitle.FindAllStringSubmatch(svg, -1) {
		b := bar{process: m[2], wait: m[4] == "waited" || m[4] == "等待", open: m[1] == "url(#open)"}
		b.pid, _ = strconv.Atoi(m[3])
		b.from, _ = strconv.ParseFloat(m[5], 64)
		b.to, _ = strconv.ParseFloat(m[6], 64)
		if b.wait {
			waits = append(waits, b)
		} else {
			holds = append(holds, b)
		}
	}
	return holds, waits
}

// views returns the text of every version of the live view the cell
// containing parts showed while it ran, and whether they were recorded
// (only runs through the kernel record them).
func (l *lessonT) views(parts ...string) (views []string, recorded bool) {
	l.Helper()
	c := l.cell(parts...)
	list, ok := c.Metadata["gopherlab_views"].([]any)
	if !ok {
		return nil, false
	}
	for _, v := range list {
		if s, ok := v.(string); ok && strings.Contains(s, l.tr("Processes and shared objects", "进程与共享对象")) {
			views = append(views, s)
		}
	}
	return views, true
}

// sawView checks, when the live views were recorded, that one of the views
// of the cell containing parts matched every one of want (regular
// expressions), and returns it.
func (l *lessonT) sawView(parts []string, what string, want ...string) string {
	l.Helper()
	views, recorded := l.views(parts...)
	if !recorded {
		return ""
	}
	var res []*regexp.Regexp
	for _, w := range want {
		res = append(res, regexp.MustCompile(w))
	}
	for _, v := range views {
		all := true
		for _, re := range res {
			all = all && re.MatchString(v)
		}
		if all {
			return v
		}
	}
	l.Errorf("%s: %s: no live view (of %d) matched %q; the views:\n%s", l.path, what, len(views), want, strings.Join(views, "----\n"))
	return ""
}

// finalView returns the text of the live view the cell containing parts
// shows once it has ended.
func (l *lessonT) finalView(parts ...string) string {
	l.Helper()
	for _, o := range l.cell(parts...).Outputs {
		if s, ok := o.Data["text/plain"].(string); ok && strings.Contains(s, l.tr("Processes and shared objects", "进程与共享对象")) {
			return s
		}
	}
	l.Errorf("%s: the cell %q shows no live view", l.path, parts)
	return ""
}

var addLine = regexp.MustCompile(`(?m)^(init )?add(\d) number = (-?\d+)$`)

// adds parses the tutorial's "add1 number = 3" lines: the process (1 or 3)
// and the number of each, in order, leaving out the init lines.
func adds(text string) (procs []string, numbers []int, inits int) {
	for _, m := range addLine.FindAllStringSubmatch(text, -1) {
		if m[1] != "" {
			inits++
			continue
		}
		procs = append(procs, m[2])
		n, _ := strconv.Atoi(m[3])
		numbers = append(numbers, n)
	}
	return procs, numbers, inits
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

// longestRun returns the largest number of consecutive lines from one
// process.
func longestRun(procs []string) int {
	best, run := 0, 0
	for i := range procs {
		if i > 0 && procs[i] == procs[i-1] {
			run++
		} else {
			run = 1
		}
		best = max(best, run)
	}
	return best
}

// lasts returns the last number each process printed.
func lasts(procs []string, nums []int) map[string]int {
	got := map[string]int{}
	for i, p := range procs {
		got[p] = nums[i]
	}
	return got
}

// mainEnd checks that the parent printed "main end" once.
func (l *lessonT) mainEnd(text string) {
	l.Helper()
	if n := strings.Count(text, "main end\n"); n != 1 {
		l.Errorf("%s: main end printed %d times, want once:\n%s", l.path, n, text)
	}
}

// mainEndEarly checks that "main end" comes before most of the addition
// lines (init lines may come before it, and on a busy machine a line or two
// of the first process).
func (l *lessonT) mainEndEarly(text string) {
	l.Helper()
	i := strings.Index(text, "main end\n")
	lines := regexp.MustCompile(`(?m)^add\d number`).FindAllStringIndex(text, -1)
	before := 0
	for _, j := range lines {
		if i >= 0 && j[0] < i {
			before++
		}
	}
	if i < 0 || before*2 >= len(lines) {
		l.Errorf("%s: %d of %d addition lines come before main end, want fewer than half:\n%s", l.path, before, len(lines), text)
	}
}

// grouped checks that the add lines of the processes do not mix: all of
// one process's, then all of the other's.
func (l *lessonT) grouped(text string, procs []string) {
	l.Helper()
	if turns(procs) != 1 {
		l.Errorf("%s: the lines of the processes mix (%d turns), want one process after the other:\n%s", l.path, turns(procs), text)
	}
}

// interleaved checks that the add lines of the processes interleave while
// all of them run: from the first line of the last one to start to the last
// line of the first one to end, no process prints three addition lines in a
// row.
func (l *lessonT) interleaved(text string, procs []string) {
	l.Helper()
	first, last := map[string]int{}, map[string]int{}
	for i, p := range procs {
		if _, ok := first[p]; !ok {
			first[p] = i
		}
		last[p] = i
	}
	from, to := 0, len(procs)-1
	for p := range first {
		from, to = max(from, first[p]), min(to, last[p])
	}
	if from > to {
		l.Errorf("%s: the processes did not run at the same time:\n%s", l.path, text)
		return
	}
	if run := longestRun(procs[from : to+1]); run > 2 {
		l.Errorf("%s: while all ran, a process printed %d addition lines in a row, want them interleaved:\n%s", l.path, run, text)
	}
}
