package session

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The conformance corpus (testdata/conformance, see its README.md): each
// program there must print the same stdout, and end the same way, when it
// is run by `go run`, pasted whole into one cell, and split as go/ast cuts
// it into a declarations cell and a cell of main's statements.

const conformanceDir = "testdata/conformance"

// The ways a program is run in a session.
const (
	wayWhole = "whole" // the file pasted whole into one cell
	waySplit = "split" // declarations cell, then main's body as statements
)

var conformanceWays = []string{wayWhole, waySplit}

// program is one file of the corpus.
type program struct {
	name string // file name without ".go"
	file string // path relative to the package directory
	src  []byte
	mp   bool // imports runtime/mp: needs child processes
	// goroutines: starts goroutines (go statements, WaitGroup.Go). The
	// interpreter races on some of them (see the README), so they do not
	// run in a session under the race detector.
	goroutines bool
}

// outcome is what a run printed on stdout and how it ended.
type outcome struct {
	stdout string
	// fault is "" when the program ended normally, else how it failed,
	// named as the session names cell errors: ErrCompile, ErrPanic,
	// ErrExit or ErrDeadlock.
	fault string
	// detail is the first line of the failure's message, for reports.
	detail string
	// leak is the first line of the cells' stderr or error that shows the
	// interpreter to the learner (see interpreterWords), or "".
	leak string
}

// interpreterWords are what the interpreter's own messages look like: a
// learner should never read them (issue 12). Only reported, not compared.
var interpreterWords = regexp.MustCompile(`github\.com/traefik|yaegi|reflect\.[A-Z]\w*[:(]|reflect: |CFG post-order|interp\._|stdlib\._|/go/pkg/mod/|\bnil (reflect )?type\b`)

// findLeak returns the first line of texts in interpreterWords, or "".
func findLeak(texts ...string) string {
	for _, t := range texts {
		for _, line := range strings.Split(t, "\n") {
			if interpreterWords.MatchString(line) {
				return line
			}
		}
	}
	return ""
}

func (o outcome) String() string {
	s := fmt.Sprintf("stdout %q", o.stdout)
	if o.fault != "" {
		s += fmt.Sprintf(", %s (%s)", o.fault, o.detail)
	}
	return s
}

// same reports whether got matches the reference want: identical stdout,
// and a failure of the same kind (or none).
func (want outcome) same(got outcome) bool {
	return want.stdout == got.stdout && want.fault == got.fault
}

// loadCorpus reads the programs of the corpus in file name order.
func loadCorpus(t testing.TB) []program {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(conformanceDir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no programs in %s: %v", conformanceDir, err)
	}
	slices.Sort(files)
	var ps []program
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, program{
			name:       strings.TrimSuffix(filepath.Base(f), ".go"),
			file:       f,
			src:        src,
			mp:         bytes.Contains(src, []byte(`"github.com/gopherlab/gopherlab/runtime/mp"`)),
			goroutines: startsGoroutines(src),
		})
	}
	return ps
}

// startsGoroutines reports whether a program has a go statement or calls a
// method named Go (sync.WaitGroup.Go).
func startsGoroutines(src []byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, 0)
	if err != nil {
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			found = true
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Go" {
				found = true
			}
		}
		return !found
	})
	return found
}

// skipReason says why p does not run in a session in this test binary, or
// "".
func skipReason(p program) string {
	switch {
	case p.mp && testing.Short():
		return "starts child processes: needs the gopherlab binary; skipped under -short"
	case p.goroutines && raceDetector:
		return "starts goroutines, on which the interpreter races (README.md, cause RACE); runs without -race"
	}
	return ""
}

// knownFailure is a line of KNOWN_FAILURES: a program that does not yet
// run the same one way, and why.
type knownFailure struct {
	line  int
	cause string
}

// loadKnownFailures reads KNOWN_FAILURES: one failure a line, "program
// way cause"; '#' starts a comment line.
func loadKnownFailures(t testing.TB, ps []program) map[[2]string]*knownFailure {
	t.Helper()
	f, err := os.Open(filepath.Join(conformanceDir, "KNOWN_FAILURES"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := map[string]bool{}
	for _, p := range ps {
		names[p.name] = true
	}
	known := map[[2]string]*knownFailure{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, " ", 3)
		if len(fields) < 3 || strings.TrimSpace(fields[2]) == "" {
			t.Errorf("KNOWN_FAILURES:%d: want \"program way cause\", got %q", n, line)
			continue
		}
		prog, way, cause := fields[0], fields[1], strings.TrimSpace(fields[2])
		if !names[prog] {
			t.Errorf("KNOWN_FAILURES:%d: no program %s in %s", n, prog, conformanceDir)
		}
		if !slices.Contains(conformanceWays, way) {
			t.Errorf("KNOWN_FAILURES:%d: way %q is not one of %v", n, way, conformanceWays)
		}
		key := [2]string{prog, way}
		if known[key] != nil {
			t.Errorf("KNOWN_FAILURES:%d: %s %s is listed twice", n, prog, way)
		}
		known[key] = &knownFailure{line: n, cause: cause}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return known
}

// references runs the programs with `go run`, each once per test binary
// (keyed by the program's content), a few at a time.
var references struct {
	mu   sync.Mutex
	runs map[[32]byte]*refRun
	sem  chan struct{}
}

type refRun struct {
	done chan struct{}
	out  outcome
	err  error
}

// startReference starts `go run` of p in the background, unless it was
// started already, and returns a function that waits for its outcome.
func startReference(p program) func() (outcome, error) {
	key := sha256.Sum256(p.src)
	references.mu.Lock()
	if references.runs == nil {
		references.runs = map[[32]byte]*refRun{}
		references.sem = make(chan struct{}, runtime.NumCPU())
	}
	r := references.runs[key]
	if r == nil {
		r = &refRun{done: make(chan struct{})}
		references.runs[key] = r
		go func() {
			references.sem <- struct{}{}
			r.out, r.err = goRun(p)
			<-references.sem
			close(r.done)
		}()
	}
	references.mu.Unlock()
	return func() (outcome, error) {
		<-r.done
		return r.out, r.err
	}
}

var exitStatus = regexp.MustCompile(`(?m)^exit status (\d+)\n?\z`)

// goRun runs `go run FILE` in the corpus directory (inside the module, so
// that a program may import runtime/mp) and classifies how it ended from
// its exit status and stderr, as a learner would read them.
func goRun(p program) (outcome, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", filepath.Base(p.file))
	cmd.Dir = conformanceDir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	o := outcome{stdout: stdout.String()}
	if err == nil {
		return o, nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ctx.Err() != nil {
		return o, fmt.Errorf("go run %s: %v\n%s", p.file, err, stderr.String())
	}
	errText := stderr.String()
	m := exitStatus.FindStringSubmatch(errText)
	switch {
	case m == nil:
		// The go command itself failed: the program did not compile.
		o.fault = ErrCompile
		for _, line := range strings.Split(errText, "\n") {
			if strings.HasPrefix(line, "./") || strings.Contains(line, ".go:") {
				o.detail = line
				break
			}
		}
	case strings.Contains(errText, "fatal error: all goroutines are asleep - deadlock!"):
		o.fault, o.detail = ErrDeadlock, "all goroutines are asleep - deadlock!"
	case m[1] == "2" && (strings.HasPrefix(errText, "panic: ") || strings.Contains(errText, "\npanic: ")):
		o.fault = ErrPanic
		i := strings.Index(errText, "panic: ")
		o.detail, _, _ = strings.Cut(errText[i+len("panic: "):], "\n")
	default:
		o.fault, o.detail = ErrExit, "exit status "+m[1]
	}
	return o, nil
}

// splitProgram cuts a program as a learner splitting it into cells would:
// the declarations cell is the file without its package clause and without
// func main; the statements cell is main's body, dedented one tab.
func splitProgram(src []byte) (decls, body string, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return "", "", err
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	var main *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			main = fd
		}
	}
	if main == nil || main.Body == nil {
		return "", "", errors.New("no func main")
	}
	mainStart := off(main.Pos())
	if main.Doc != nil {
		mainStart = off(main.Doc.Pos())
	}
	var d strings.Builder
	d.Write(src[:off(f.Package)])
	d.Write(src[off(f.Name.End()):mainStart])
	d.Write(src[off(main.End()):])
	decls = strings.TrimSpace(d.String())

	inner := string(src[off(main.Body.Lbrace)+1 : off(main.Body.Rbrace)])
	lines := strings.Split(inner, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "\t")
	}
	body = strings.Trim(strings.Join(lines, "\n"), "\n")
	return decls, body, nil
}

// cellsOf returns the cells of p for a way.
func cellsOf(p program, way string) ([]string, error) {
	if way == wayWhole {
		return []string{string(p.src)}, nil
	}
	decls, body, err := splitProgram(p.src)
	if err != nil {
		return nil, err
	}
	var cells []string
	for _, c := range []string{decls, body} {
		if strings.TrimSpace(c) != "" {
			cells = append(cells, c)
		}
	}
	return cells, nil
}

// runInSession runs cells one after the other in a fresh session, as a
// learner running them in order would, stopping at the first that fails.
func runInSession(t *testing.T, p program, cells []string) outcome {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.mp {
		bin := conformanceBinary(t)
		if _, err := s.EnableProcesses(func() *exec.Cmd { return exec.Command(bin, "worker") }); err != nil {
			t.Fatal(err)
		}
	}
	defer s.Close()
	var o outcome
	for _, c := range cells {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		rec := &recorder{}
		_, err := s.Execute(ctx, c, rec)
		cancel()
		stdout, stderr := rec.out()
		o.stdout += stdout
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		if o.leak == "" {
			o.leak = findLeak(stderr, errText)
		}
		if err != nil {
			o.fault = ErrInternal
			var e *Error
			if errors.As(err, &e) {
				o.fault = e.Name
			}
			o.detail, _, _ = strings.Cut(err.Error(), "\n")
			break
		}
	}
	return o
}

// conformanceTally counts the programs that ran the same, per way.
type conformanceTally struct {
	pass, total map[string]int
	panics      [2]int // panics whose message reads as Go's, of all panics
	skipped     int    // programs not run in this test binary
	leaks       int    // runs where the interpreter's words reached the learner
}

func newTally() *conformanceTally {
	return &conformanceTally{pass: map[string]int{}, total: map[string]int{}}
}

// record counts one run and holds it to KNOWN_FAILURES: an unlisted
// failure is a regression, a listed failure that now passes must leave
// the list.
func (c *conformanceTally) record(t *testing.T, p program, way string, want, got outcome, known map[[2]string]*knownFailure) {
	t.Helper()
	c.total[way]++
	ok := want.same(got)
	if ok {
		c.pass[way]++
	}
	if want.fault == ErrPanic && got.fault == ErrPanic {
		c.panics[1]++
		if strings.Contains(got.detail, want.detail) {
			c.panics[0]++
		} else {
			t.Logf("%s, %s: panic message differs (not compared)\n go run: %s\n   cell: %s", p.name, way, want.detail, got.detail)
		}
	}
	if got.leak != "" {
		c.leaks++
		t.Logf("%s, %s: the interpreter shows (not compared): %s", p.name, way, got.leak)
	}
	k := known[[2]string{p.name, way}]
	switch {
	case !ok && k == nil:
		t.Errorf("%s, %s: not what go run prints (not in KNOWN_FAILURES)\n go run: %v\n   cell: %v", p.name, way, want, got)
	case ok && k != nil:
		t.Errorf("%s, %s: now runs as go run does: remove line %d from KNOWN_FAILURES (%s)", p.name, way, k.line, k.cause)
	case !ok:
		t.Logf("%s, %s: known failure (%s)\n go run: %v\n   cell: %v", p.name, way, k.cause, want, got)
	}
}

// summary is the line with the pass rate of each way.
func (c *conformanceTally) summary(label string) string {
	var parts []string
	for _, w := range conformanceWays {
		if n := c.total[w]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d/%d (%d%%)", w, c.pass[w], n, c.pass[w]*100/n))
		}
	}
	s := fmt.Sprintf("conformance%s: %s", label, strings.Join(parts, ", "))
	if c.panics[1] > 0 {
		s += fmt.Sprintf("; panic messages as Go's %d/%d", c.panics[0], c.panics[1])
	}
	if c.leaks > 0 {
		s += fmt.Sprintf("; interpreter words shown in %d runs", c.leaks)
	}
	if c.skipped > 0 {
		s += fmt.Sprintf("; %d programs skipped", c.skipped)
	}
	return s
}

// TestConformance runs every program of the corpus with `go run`, pasted
// whole into a fresh session, and split into a declarations cell and a
// statements cell, and requires the same stdout and the same kind of
// ending, except for the failures KNOWN_FAILURES lists. The sessions run
// in child processes of the test binary (conformance_child_test.go). It
// logs the pass rate of each way (go test -v -run 'TestConformance$'
// ./kernel/session/); -run 'TestConformance$/NAME' runs one program.
func TestConformance(t *testing.T) {
	ps := loadCorpus(t)
	if spec := os.Getenv(childEnv); spec != "" {
		conformanceChild(t, ps, spec)
		return
	}
	known := loadKnownFailures(t, ps)
	for _, p := range ps {
		if skipReason(p) == "" {
			startReference(p)
		}
	}
	tally := newTally()
	runs := &sessionRuns{results: map[[2]string]childResult{}}
	start := time.Now()
	ran := false
	for i, p := range ps {
		t.Run(p.name, func(t *testing.T) {
			if why := skipReason(p); why != "" {
				tally.skipped++
				t.Skip(why)
			}
			ran = true
			want, err := startReference(p)()
			if err != nil {
				t.Fatal(err)
			}
			for w, way := range conformanceWays {
				tally.record(t, p, way, want, runs.get(t, ps, i, w), known)
			}
		})
	}
	if !ran {
		return // -run selected no program
	}
	t.Logf("%s in %v (%d child processes)", tally.summary(""), time.Since(start).Round(time.Second), runs.batches)
	for _, l := range runs.left {
		t.Logf("left goroutines running or blocked after its session closed (the next programs ran in a new process): %s", l)
	}
}

// TestSplitProgram checks the cut of the split way on a program with a
// file comment, a doc comment on main and a declaration after main.
func TestSplitProgram(t *testing.T) {
	src := "// Program comment.\npackage main\n\nimport \"fmt\"\n\n// main says hi.\nfunc main() {\n\tx := 1\n\tif x > 0 {\n\t\tfmt.Println(hi(x))\n\t}\n}\n\nfunc hi(n int) string { return fmt.Sprint(\"hi \", n) }\n"
	decls, body, err := splitProgram([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	wantDecls := "// Program comment.\n\n\nimport \"fmt\"\n\n\n\nfunc hi(n int) string { return fmt.Sprint(\"hi \", n) }"
	wantBody := "x := 1\nif x > 0 {\n\tfmt.Println(hi(x))\n}"
	if decls != wantDecls {
		t.Errorf("declarations cell = %q, want %q", decls, wantDecls)
	}
	if body != wantBody {
		t.Errorf("statements cell = %q, want %q", body, wantBody)
	}
	if _, _, err := splitProgram([]byte("package main\nfunc f() {}\n")); err == nil {
		t.Error("a program without main was cut")
	}
}
