package notebook

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/session"
)

// TestRoundTrip checks that a notebook written by Python's nbformat is
// written back byte for byte: Jupyter and git see no change.
func TestRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/sample.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	nb, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("round trip differs:\n%s", diffLines(string(data), string(got)))
	}
	if n := len(nb.Cells); n != 7 {
		t.Fatalf("got %d cells, want 7", n)
	}
	if got, want := nb.Cells[1].Outputs[0].Text, "a < b\nsecond\n"; got != want {
		t.Errorf("stream text = %q, want %q", got, want)
	}
	if !nb.Cells[4].HasTag(RaisesException) || nb.Cells[3].HasTag(RaisesException) {
		t.Errorf("tags: cell 5 %v, cell 4 %v", nb.Cells[4].Tags(), nb.Cells[3].Tags())
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, doc string
		wantErr   string
		check     func(t *testing.T, nb *Notebook)
	}{
		{
			name: "v4.4 without ids gets stable ids",
			doc: `{"cells":[{"cell_type":"code","metadata":{},"source":"1+1","outputs":[],"execution_count":null},
				{"cell_type":"markdown","metadata":{},"source":["a\n","b"]}],"metadata":{},"nbformat":4,"nbformat_minor":4}`,
			check: func(t *testing.T, nb *Notebook) {
				if !validID.MatchString(nb.Cells[0].ID) || nb.Cells[0].ID == nb.Cells[1].ID {
					t.Errorf("ids %q %q", nb.Cells[0].ID, nb.Cells[1].ID)
				}
				if nb.Cells[1].Source != "a\nb" {
					t.Errorf("source %q", nb.Cells[1].Source)
				}
				out, _ := nb.Marshal()
				if !bytes.Contains(out, []byte(`"nbformat_minor": 5`)) {
					t.Errorf("not written as 4.5:\n%s", out)
				}
			},
		},
		{
			name: "duplicate ids are replaced",
			doc: `{"cells":[{"cell_type":"raw","id":"a","metadata":{},"source":""},
				{"cell_type":"raw","id":"a","metadata":{},"source":""}],"metadata":{},"nbformat":4,"nbformat_minor":5}`,
			check: func(t *testing.T, nb *Notebook) {
				if nb.Cells[0].ID != "a" || nb.Cells[1].ID == "a" {
					t.Errorf("ids %q %q", nb.Cells[0].ID, nb.Cells[1].ID)
				}
			},
		},
		{name: "not json", doc: `{"cells":`, wantErr: "not a notebook"},
		{name: "nbformat 3", doc: `{"worksheets":[],"nbformat":3}`, wantErr: "nbformat 3"},
		{name: "bad cell type", doc: `{"cells":[{"cell_type":"x","source":""}],"nbformat":4}`, wantErr: `unknown cell type "x"`},
		{name: "bad output", doc: `{"cells":[{"cell_type":"code","source":"","outputs":[{"output_type":"y"}]}],"nbformat":4}`, wantErr: `unknown output type "y"`},
		{name: "source not text", doc: `{"cells":[{"cell_type":"code","source":3}],"nbformat":4}`, wantErr: "not a notebook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb, err := Parse([]byte(tt.doc))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, nb)
		})
	}
}

func newSession(t *testing.T) *session.Session {
	t.Helper()
	s, err := session.New(session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func codeCell(src string, tags ...string) *Cell {
	c := &Cell{Type: Code, ID: NewID(src), Source: src, Metadata: map[string]any{}}
	if len(tags) > 0 {
		var list []any
		for _, t := range tags {
			list = append(list, t)
		}
		c.Metadata["tags"] = list
	}
	return c
}

// TestRunSession runs cells through a real session: results, execution
// counts, expected and unexpected failures.
func TestRunSession(t *testing.T) {
	nb := &Notebook{Cells: []*Cell{
		{Type: Markdown, ID: "m", Source: "# hi"},
		codeCell("1+1"),
		codeCell("  \n"),
		codeCell("undefinedName + 1", RaisesException),
		codeCell(`"a" + "b"`),
		codeCell("alsoUndefined()"),
		codeCell("2+2"),
	}}
	nb.Cells[6].Outputs = []*Output{{Type: Stream, Name: "stdout", Text: "stale"}}
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), nb, newSession(t), Options{Stdout: &stdout, Stderr: &stderr})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Index != 5 {
		t.Fatalf("err = %v, want a CellError for cell 6", err)
	}
	var se *session.Error
	if !errors.As(err, &se) {
		t.Errorf("CellError does not unwrap to *session.Error: %v", err)
	}
	c := nb.Cells
	if got := c[1].Outputs; len(got) != 1 || got[0].Type != ExecuteResult || got[0].PlainText() != "2" ||
		got[0].ExecutionCount != 1 || c[1].ExecutionCount != 1 {
		t.Errorf("cell 2: count %d outputs %+v", c[1].ExecutionCount, got)
	}
	if c[2].ExecutionCount != 0 || len(c[2].Outputs) != 0 {
		t.Errorf("empty cell was run: %+v", c[2])
	}
	if got := c[3].Outputs; len(got) != 1 || got[0].Type != ErrorOutput || c[3].ExecutionCount != 2 {
		t.Errorf("cell 4 (raises-exception): %+v", got)
	}
	if got := c[4].Outputs; len(got) != 1 || got[0].PlainText() != `"ab"` && got[0].PlainText() != "ab" {
		t.Errorf("cell 5: %+v", got)
	}
	if got := c[5].Outputs; len(got) != 1 || got[0].Type != ErrorOutput || c[5].ExecutionCount != 4 {
		t.Errorf("cell 6: %+v", got)
	}
	if c[6].ExecutionCount != 0 || len(c[6].Outputs) != 0 {
		t.Errorf("cell after the failure: count %d outputs %+v (want not run, old outputs cleared)", c[6].ExecutionCount, c[6].Outputs)
	}
	if !strings.HasPrefix(stdout.String(), "2\n") {
		t.Errorf("stdout = %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "alsoUndefined") {
		t.Errorf("stderr = %q, want the error", stderr.String())
	}

	// KeepGoing runs the last cell too.
	err = Run(context.Background(), nb, newSession(t), Options{KeepGoing: true})
	if !errors.As(err, &ce) || c[6].ExecutionCount != 5 || c[6].Outputs[0].PlainText() != "4" {
		t.Errorf("KeepGoing: err %v, last cell %+v", err, c[6])
	}
}

// TestRunCancelled checks that a cancelled context stops the run.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	nb := &Notebook{Cells: []*Cell{codeCell("1")}}
	if err := Run(ctx, nb, newSession(t), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestCellOutput checks the Output a cell writes to: streams merge, clear
// with and without wait, display updates across cells.
func TestCellOutput(t *testing.T) {
	nb := &Notebook{Cells: []*Cell{codeCell("a"), codeCell("b")}}
	var live bytes.Buffer
	r := &runner{nb: nb, opts: Options{Stdout: &live}}
	a := &cellOutput{r: r, cell: nb.Cells[0]}
	b := &cellOutput{r: r, cell: nb.Cells[1]}
	a.Stream("stdout", "x")
	a.Stream("stdout", "y\n")
	a.Stream("stderr", "e")
	a.Stream("stdout", "z")
	a.Display(session.Display{Data: map[string]any{"text/plain": "v1", "image/svg+xml": "<svg/>"}, ID: "d"})
	b.Display(session.Display{Data: map[string]any{"text/plain": "v2"}, ID: "d", Update: true})
	b.Display(session.Display{Data: map[string]any{"text/html": "<b>"}})
	want := []string{"stream:xy\n", "stream:e", "stream:z", "display_data:v2"}
	if got := summary(nb.Cells[0].Outputs); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("cell a = %q, want %q", got, want)
	}
	if got := live.String(); got != "xy\nezv1\n[text/html]\n" {
		t.Errorf("live = %q", got)
	}
	b.Clear(true)
	if len(nb.Cells[1].Outputs) != 1 {
		t.Errorf("Clear(true) cleared before the next output")
	}
	b.Stream("stdout", "after")
	if got := summary(nb.Cells[1].Outputs); len(got) != 1 || got[0] != "stream:after" {
		t.Errorf("after Clear(true) + output: %q", got)
	}
	b.Clear(false)
	if len(nb.Cells[1].Outputs) != 0 {
		t.Errorf("Clear(false) left %q", summary(nb.Cells[1].Outputs))
	}
}

func summary(outs []*Output) []string {
	var s []string
	for _, o := range outs {
		s = append(s, o.Type+":"+o.PlainText())
	}
	return s
}

// TestValidByNbformat checks a run notebook with Python's nbformat
// validator, when it is installed.
func TestValidByNbformat(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping nbformat validation under -short")
	}
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import nbformat").Run(); err != nil {
		t.Skipf("skipping: %s with nbformat is not installed (apt-get install python3-nbformat)", python)
	}
	nb := &Notebook{Cells: []*Cell{codeCell("1+1"), codeCell("nope", RaisesException), {Type: Markdown, ID: "md", Source: "*x*"}}}
	Run(context.Background(), nb, newSession(t), Options{})
	nb.Cells[1].Outputs = append(nb.Cells[1].Outputs,
		&Output{Type: DisplayData, Data: map[string]any{"text/plain": "p", "image/svg+xml": "<svg>\n</svg>"}},
		&Output{Type: Stream, Name: "stderr", Text: "e\n"})
	name := filepath.Join(t.TempDir(), "nb.ipynb")
	if err := WriteFile(name, nb); err != nil {
		t.Fatal(err)
	}
	script := `import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
sys.stdout.write(nbformat.writes(nb) + "\n")`
	out, err := exec.Command(python, "-c", script, name).Output()
	if err != nil {
		t.Fatalf("nbformat rejects the notebook: %v\n%s", err, exitStderr(err))
	}
	data, _ := os.ReadFile(name)
	if !bytes.Equal(out, data) {
		t.Errorf("nbformat writes it differently:\n%s", diffLines(string(out), string(data)))
	}
}

func exitStderr(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}

// diffLines shows the first differing line of a and b.
func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return "(same lines)"
}

// TestRunOutputs runs cells that print, display and update a display
// through a real session, and checks the outputs recorded in Jupyter's
// format.
func TestRunOutputs(t *testing.T) {
	nb := &Notebook{Cells: []*Cell{
		codeCell("import (\n\t\"fmt\"\n\t\"os\"\n)\n\nfmt.Println(\"a\")\nfmt.Print(\"b\")\nfmt.Fprintln(os.Stderr, \"e\")\nfmt.Println(\"c\")"),
		codeCell("import \"github.com/gopherlab/gopherlab/kernel/display\"\n\nh := display.NewHandle()\nh.HTML(\"<b>first</b>\")"),
		codeCell("h.HTML(\"<b>second</b>\")\ndisplay.SVG(`<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>`)"),
	}}
	var stdout bytes.Buffer
	if err := Run(context.Background(), nb, newSession(t), Options{Stdout: &stdout}); err != nil {
		t.Fatal(err)
	}
	want := []string{"stream:a\nb", "stream:e\n", "stream:c\n"}
	got := summary(nb.Cells[0].Outputs)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("cell 1 outputs %q, want %q", got, want)
	}
	if n := len(nb.Cells[1].Outputs); n != 1 {
		t.Fatalf("cell 2 has %d outputs, want 1 display", n)
	}
	if got := nb.Cells[1].Outputs[0].Data["text/html"]; got != "<b>second</b>" {
		t.Errorf("display in cell 2 = %v after the update from cell 3, want <b>second</b>", got)
	}
	if c := nb.Cells[2]; len(c.Outputs) != 1 || c.Outputs[0].Type != DisplayData || c.Outputs[0].Data["image/svg+xml"] == nil {
		t.Errorf("cell 3 outputs %+v, want one SVG display", c.Outputs)
	}
	data, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"output_type": "display_data"`)) || bytes.Contains(data, []byte("displayID")) {
		t.Errorf("marshalled notebook:\n%s", data)
	}
}

// TestRunMarks checks the [N]: line before each executed cell's outputs,
// counted as execution counts are (empty cells are not run).
func TestRunMarks(t *testing.T) {
	nb := &Notebook{Cells: []*Cell{
		codeCell(`import "fmt"`),
		{Type: Markdown, ID: "m", Source: "text"},
		codeCell(`fmt.Println("one")`),
		codeCell(" \n"),
		codeCell(`fmt.Println("two")` + "\n" + `3`),
	}}
	var stdout bytes.Buffer
	if err := Run(context.Background(), nb, newSession(t), Options{Stdout: &stdout, Marks: true}); err != nil {
		t.Fatal(err)
	}
	if want := "[1]:\n\n[2]:\none\n\n[3]:\ntwo\n3\n"; stdout.String() != want {
		t.Errorf("stdout = %q, want %q", stdout.String(), want)
	}
}
