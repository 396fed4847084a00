package session

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/internal/goroot"
)

var updateFromGo = flag.Bool("update-from-go", false, "write what go run prints into the stdout sections of the scenarios compared with go run")

// goRunMark marks a scenario file whose expectations are Go's: the line
// appears in its comment, before the first section.
const goRunMark = "Compared with go run."

// TestScenariosMatchGo checks the expectations of the scenario files marked
// with goRunMark against the compiler: the cells, made into one program
// (imports and declarations at the top level, the statements of each cell
// in main, in order), must print with go run what the scenario expects of
// each cell, and a cell ending in a panic must panic with the expected
// message. A cell's result is printed as the session documents it: the
// text of an Error or String method, or else %#v. So the expectations
// are the compiler's, not ours.
func TestScenariosMatchGo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs with the go command")
	}
	gocmd := goroot.GoCommand()
	if gocmd == "" {
		t.Skip("no go command")
	}
	files, _ := filepath.Glob("testdata/*.txt")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module scenarios\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	type program struct {
		file, name string
		steps      []step
		panics     *step // the cell that panics, last
	}
	var progs []program
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if head, _, _ := strings.Cut(string(data), "\n-- "); !strings.Contains(head, goRunMark) {
			continue
		}
		steps := parseScenario(string(data))
		base := strings.TrimSuffix(filepath.Base(file), ".txt")
		var ok []step
		for i, st := range steps {
			if _, isErr := st.expect["error"]; isErr {
				progs = append(progs, program{file, fmt.Sprintf("%s_panic%d", base, i), append(append([]step{}, ok...), st), &steps[i]})
				continue
			}
			ok = append(ok, st)
		}
		progs = append(progs, program{file: file, name: base, steps: ok})
	}
	if len(progs) == 0 {
		t.Fatal("no scenario is compared with go run")
	}
	for _, p := range progs {
		src, err := goProgram(p.steps, p.panics)
		if err != nil {
			t.Fatalf("%s: %v", p.file, err)
		}
		pd := filepath.Join(dir, p.name)
		os.MkdirAll(pd, 0o755)
		if err := os.WriteFile(filepath.Join(pd, "main.go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "bin")
	build := exec.Command(gocmd, "build", "-o", bin+string(filepath.Separator), "./...")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, p := range progs {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(filepath.Join(bin, p.name))
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		runErr := cmd.Run()
		outs := strings.Split(stdout.String(), goCellMark)
		if p.panics != nil {
			st := p.panics
			line, _, _ := strings.Cut(stderr.String(), "\n")
			if want := st.expect["error"]; runErr == nil || !strings.Contains(line, want) {
				t.Errorf("%s:%d: go run panics with %q, the scenario expects %q", p.file, st.line, line, want)
			}
			continue
		}
		if runErr != nil {
			t.Errorf("%s: go run: %v\n%s", p.file, runErr, stderr.String())
			continue
		}
		updates := map[int]string{}
		for i, st := range p.steps {
			got := ""
			if i+1 < len(outs) {
				got = outs[i+1]
			}
			want := st.expect["stdout"]
			r, hasResult := st.expect["result"]
			if hasResult {
				if want != "" {
					want += "\n"
				}
				want += r
			}
			if strings.TrimSuffix(got, "\n") != want {
				if *updateFromGo && !hasResult {
					updates[st.line] = got
					continue
				}
				t.Errorf("%s:%d: go run prints %q, the scenario expects %q", p.file, st.line, got, want)
			}
		}
		if len(updates) > 0 {
			if err := updateStdout(p.file, updates); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// updateStdout replaces the stdout sections of the cells starting at the
// given lines of a scenario file.
func updateStdout(file string, stdout map[int]string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	lines := strings.Split(string(data), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		text, ok := stdout[i+1]
		if !ok || lines[i] != "-- cell --" {
			continue
		}
		// Copy the cell, drop its stdout section, write the new one.
		j := i + 1
		for ; j < len(lines) && !strings.HasPrefix(lines[j], "-- "); j++ {
			out = append(out, lines[j])
		}
		out = append(out, "-- stdout --")
		if text = strings.TrimSuffix(text, "\n"); text != "" {
			out = append(out, strings.Split(text, "\n")...)
		}
		for j < len(lines) && lines[j] != "-- cell --" {
			if lines[j] == "-- stdout --" {
				for j++; j < len(lines) && !strings.HasPrefix(lines[j], "-- "); j++ {
				}
				continue
			}
			out = append(out, lines[j])
			j++
		}
		i = j - 1
	}
	text := strings.TrimRight(strings.Join(out, "\n"), "\n") + "\n"
	return os.WriteFile(file, []byte(text), 0o644)
}

// goCellMark separates the output of the cells of a program made of a
// scenario.
const goCellMark = "\x00cell\n"

// goProgram makes one Go program of the cells of steps: their imports and
// declarations at the top level, their statements in main, each cell's
// output after a goCellMark line. The final expression of a cell with a
// result is printed as a result is shown. Variables defined by := are
// used, so that the program compiles. panics, when set, is the last step:
// its statements run after the others' and are expected to panic.
func goProgram(steps []step, panics *step) ([]byte, error) {
	imports := map[string]bool{`"fmt"`: true, `"os"`: true}
	var decls, body strings.Builder
	for _, st := range steps {
		src := []byte(st.code)
		body.WriteString("\tos.Stdout.WriteString(" + fmt.Sprintf("%q", goCellMark) + ")\n")
		var stmts []string
		for _, sg := range splitCell(src) {
			text := string(src[sg.start:sg.end])
			switch sg.kind {
			case segImport:
				f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+text, parser.ImportsOnly)
				if err != nil {
					return nil, err
				}
				for _, is := range f.Imports {
					spec := is.Path.Value
					if is.Name != nil {
						spec = is.Name.Name + " " + spec
					}
					imports[spec] = true
				}
			case segDecl:
				decls.WriteString(text + "\n")
			case segStmt:
				if strings.HasPrefix(text, "var ") {
					// A notebook variable, which declarations may use.
					decls.WriteString(text + "\n")
					continue
				}
				stmts = append(stmts, text)
			}
		}
		_, hasResult := st.expect["result"]
		for i, s := range stmts {
			if hasResult && i == len(stmts)-1 {
				s = "__result(" + s + ")"
			}
			body.WriteString("\t" + s + "\n")
			for _, n := range definedNames(s) {
				body.WriteString("\t_ = " + n + "\n")
			}
		}
	}
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n")
	for spec := range imports {
		b.WriteString("\t" + spec + "\n")
	}
	b.WriteString(")\n\n")
	b.WriteString(decls.String())
	b.WriteString(`
// __result prints a cell's result as the session shows it.
func __result(v any) {
	switch x := v.(type) {
	case error:
		fmt.Println(x.Error())
	case fmt.Stringer:
		fmt.Println(x.String())
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr,
		float32, float64, complex64, complex128:
		fmt.Println(x)
	default:
		fmt.Printf("%#v\n", v)
	}
}

var _ = os.Stdout

func main() {
`)
	b.WriteString(body.String())
	b.WriteString("}\n")
	return []byte(b.String()), nil
}

// definedNames returns the names a statement defines with :=.
func definedNames(stmt string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p;func _() {\n"+stmt+"\n}", 0)
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range f.Decls[0].(*ast.FuncDecl).Body.List {
		if as, ok := s.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					out = append(out, id.Name)
				}
			}
		}
	}
	return out
}
