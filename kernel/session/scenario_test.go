package session

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is an Output that keeps what a cell produced.
type recorder struct {
	mu       sync.Mutex
	stdout   strings.Builder
	stderr   strings.Builder
	displays []Display
	inputs   []string // lines to answer input requests with, when set
	asked    []string
}

func (r *recorder) Stream(name, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "stdout" {
		r.stdout.WriteString(text)
	} else {
		r.stderr.WriteString(text)
	}
	return nil
}

func (r *recorder) Display(d Display) error {
	r.mu.Lock()
	r.displays = append(r.displays, d)
	r.mu.Unlock()
	return nil
}

func (r *recorder) Clear(bool) error { return nil }

func (r *recorder) out() (string, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stdout.String(), r.stderr.String()
}

// inputRecorder also answers input requests.
type inputRecorder struct {
	recorder
}

func (r *inputRecorder) Input(prompt string, password bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked = append(r.asked, prompt)
	if len(r.inputs) == 0 {
		return "", os.ErrClosed
	}
	line := r.inputs[0]
	r.inputs = r.inputs[1:]
	return line, nil
}

// step is one cell of a scenario with what it must produce.
type step struct {
	code    string
	line    int               // line of "-- cell --" in the file
	expect  map[string]string // section name -> text
	present map[string]bool
}

// parseScenario reads a scenario file: "-- cell --" starts a cell;
// "-- stdout --", "-- stderr --", "-- result --" (text/plain), "-- result
// MIME --" and "-- error --" hold what it must produce. Lines before the
// first section are a comment. stdout and result must match exactly (a
// missing section means empty); stderr and error must contain the text
// (a missing section means none at all). "-- display MIME --" requires a
// display_data with that content.
func parseScenario(data string) []step {
	var steps []step
	var cur *step
	section := ""
	var buf []string
	flush := func() {
		if cur == nil || section == "" {
			return
		}
		text := strings.Join(buf, "\n")
		if section == "cell" {
			cur.code = text
		} else {
			cur.expect[section] = text
			cur.present[section] = true
		}
	}
	for i, line := range strings.Split(data, "\n") {
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --") {
			flush()
			section = strings.TrimSuffix(strings.TrimPrefix(line, "-- "), " --")
			buf = nil
			if section == "cell" {
				steps = append(steps, step{line: i + 1, expect: map[string]string{}, present: map[string]bool{}})
				cur = &steps[len(steps)-1]
			}
			continue
		}
		buf = append(buf, line)
	}
	flush()
	for i := range steps {
		// Sections end with the newline before the next header.
		for k, v := range steps[i].expect {
			steps[i].expect[k] = strings.TrimSuffix(v, "\n")
		}
	}
	return steps
}

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			// Not parallel: kernel/display has one sink per process, the
			// session created last.
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			s, err := New(Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, st := range parseScenario(string(data)) {
				runStep(t, s, file, st)
			}
		})
	}
}

func runStep(t *testing.T, s *Session, file string, st step) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rec := &recorder{}
	res, err := s.Execute(ctx, st.code, rec)
	stdout, stderr := rec.out()
	where := file + ":" + itoa(st.line)
	if want := st.expect["stdout"]; strings.TrimSuffix(stdout, "\n") != want {
		t.Errorf("%s: stdout = %q, want %q", where, stdout, want)
	}
	if want, ok := st.expect["stderr"]; ok {
		if !strings.Contains(stderr, want) {
			t.Errorf("%s: stderr = %q, want it to contain %q", where, stderr, want)
		}
	} else if stderr != "" {
		t.Errorf("%s: unexpected stderr %q", where, stderr)
	}
	if want, ok := st.expect["error"]; ok {
		if err == nil {
			t.Errorf("%s: no error, want %q", where, want)
		} else if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error = %q, want it to contain %q", where, err.Error(), want)
		}
	} else if err != nil {
		e, _ := err.(*Error)
		tb := ""
		if e != nil {
			tb = strings.Join(e.Traceback, "\n")
		}
		t.Errorf("%s: unexpected error %v\n%s", where, err, tb)
	}
	for k, want := range st.expect {
		if !strings.HasPrefix(k, "result") {
			continue
		}
		mime := strings.TrimSpace(strings.TrimPrefix(k, "result"))
		if mime == "" {
			mime = "text/plain"
		}
		got, _ := res.Data[mime].(string)
		if got != want {
			t.Errorf("%s: result %s = %q, want %q", where, mime, got, want)
		}
	}
	for k, want := range st.expect {
		mime, ok := strings.CutPrefix(k, "display ")
		if !ok {
			continue
		}
		found := false
		rec.mu.Lock()
		for _, d := range rec.displays {
			if got, _ := d.Data[mime].(string); got == want {
				found = true
			}
		}
		rec.mu.Unlock()
		if !found {
			t.Errorf("%s: no display with %s %q in %v", where, mime, want, rec.displays)
		}
	}
	if !st.present["result"] && res.Data != nil {
		if _, ok := st.expect["result text/html"]; !ok {
			t.Errorf("%s: unexpected result %v", where, res.Data)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
