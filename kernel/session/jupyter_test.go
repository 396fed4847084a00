package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
)

// cellOutcome is what the kernel sent for one cell (run_scenarios.py).
type cellOutcome struct {
	Stdout   string           `json:"stdout"`
	Stderr   string           `json:"stderr"`
	Result   map[string]any   `json:"result"`
	Displays []map[string]any `json:"displays"`
	Error    *string          `json:"error"`
	Status   string           `json:"status"`
}

// TestScenariosJupyter runs the scenarios of testdata through the real
// kernel: the gopherlab binary is built, installed into a temporary prefix
// and driven by jupyter_client (testdata/run_scenarios.py), and each cell's
// messages are held to the same expectations as TestScenarios.
func TestScenariosJupyter(t *testing.T) {
	kerneltest.NeedJupyter(t, "runs the real kernel through jupyter_client")
	prefix := t.TempDir()
	kerneltest.Install(t, prefix)

	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	// testdata/kernel holds scenarios that need the kernel's workers
	// (processes started from cells): only this test runs them.
	more, _ := filepath.Glob("testdata/kernel/*.txt")
	files = append(files, more...)
	var all [][]step
	var input [][]string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		steps := parseScenario(string(data))
		all = append(all, steps)
		var cells []string
		for _, st := range steps {
			cells = append(cells, st.code)
		}
		input = append(input, cells)
	}
	got := runScenariosJupyter(t, prefix, input)
	for i, steps := range all {
		for j, st := range steps {
			checkOutcome(t, files[i]+":"+itoa(st.line), st, got[i][j])
		}
	}
}

// checkOutcome holds a cell's messages to a scenario step.
func checkOutcome(t *testing.T, where string, st step, o cellOutcome) {
	t.Helper()
	if want := st.expect["stdout"]; strings.TrimSuffix(o.Stdout, "\n") != want {
		t.Errorf("%s: stdout = %q, want %q", where, o.Stdout, want)
	}
	if want, ok := st.expect["stderr"]; ok {
		if !strings.Contains(o.Stderr, want) {
			t.Errorf("%s: stderr = %q, want it to contain %q", where, o.Stderr, want)
		}
	} else if o.Stderr != "" {
		t.Errorf("%s: unexpected stderr %q", where, o.Stderr)
	}
	if want, ok := st.expect["error"]; ok {
		if o.Error == nil || !strings.Contains(*o.Error, want) {
			t.Errorf("%s: error = %v, want it to contain %q", where, o.Error, want)
		}
		if o.Status != "error" {
			t.Errorf("%s: reply status %q, want error", where, o.Status)
		}
	} else if o.Error != nil {
		t.Errorf("%s: unexpected error %s", where, *o.Error)
	}
	for k, want := range st.expect {
		if mime, ok := strings.CutPrefix(k, "display "); ok {
			found := false
			for _, d := range o.Displays {
				if d[mime] == want {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no display with %s %q in %v", where, mime, want, o.Displays)
			}
			continue
		}
		if !strings.HasPrefix(k, "result") {
			continue
		}
		mime := strings.TrimSpace(strings.TrimPrefix(k, "result"))
		if mime == "" {
			mime = "text/plain"
		}
		if got, _ := o.Result[mime].(string); got != want {
			t.Errorf("%s: result %s = %q, want %q", where, mime, got, want)
		}
	}
	if !st.present["result"] && len(o.Result) > 0 {
		t.Errorf("%s: unexpected result %v", where, o.Result)
	}
}
