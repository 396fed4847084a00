package session

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
)

// TestConformanceJupyter runs the corpus through the real kernel: the
// gopherlab binary installed into a temporary prefix, a fresh kernel for
// each way of each program, driven by jupyter_client
// (testdata/run_scenarios.py). It runs a sample of the corpus (the
// programs numbered 1 to 21, which are the rows of issue 12, and every
// tenth), or all of it when GOPHERLAB_CONFORMANCE=all, and holds the
// kernel to the same KNOWN_FAILURES as TestConformance.
func TestConformanceJupyter(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("a child process of TestConformance")
	}
	kerneltest.NeedJupyter(t, "runs the corpus through the real kernel with jupyter_client")
	ps := loadCorpus(t)
	known := loadKnownFailures(t, ps)
	all := os.Getenv("GOPHERLAB_CONFORMANCE") == "all"
	var sample []program
	for i, p := range ps {
		n, _ := strconv.Atoi(strings.SplitN(p.name, "-", 2)[0])
		if all || n <= 21 || i%10 == 9 {
			sample = append(sample, p)
			startReference(p)
		}
	}
	prefix := kerneltest.Prefix(t)
	start := time.Now()

	type run struct {
		p     program
		way   string
		cells []string
	}
	var runs []run
	var input [][]string
	for _, p := range sample {
		for _, way := range conformanceWays {
			cells, err := cellsOf(p, way)
			if err != nil {
				t.Fatalf("%s %s: %v", p.name, way, err)
			}
			runs = append(runs, run{p, way, cells})
			input = append(input, cells)
		}
	}
	got := runScenariosJupyter(t, prefix, input)
	tally := newTally()
	for i, r := range runs {
		want, err := startReference(r.p)()
		if err != nil {
			t.Fatal(err)
		}
		var o outcome
		for j := range r.cells {
			c := got[i][j]
			o.stdout += c.Stdout
			if o.leak == "" {
				errText := ""
				if c.Error != nil {
					errText = *c.Error
				}
				o.leak = findLeak(c.Stderr, errText)
			}
			if c.Error != nil {
				o.fault, o.detail, _ = strings.Cut(*c.Error, ": ")
				o.detail, _, _ = strings.Cut(o.detail, "\n")
				break
			}
		}
		tally.record(t, r.p, r.way, want, o, known)
	}
	label := " (kernel, sample)"
	if all {
		label = " (kernel)"
	}
	t.Logf("%s in %v", tally.summary(label), time.Since(start).Round(time.Second))
}

// runScenariosJupyter runs each list of cells in a fresh kernel installed
// in prefix (testdata/run_scenarios.py) and returns what each cell sent.
func runScenariosJupyter(t *testing.T, prefix string, input [][]string) [][]cellOutcome {
	t.Helper()
	js, err := json.Marshal(input)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", "testdata/run_scenarios.py", "gopherlab")
	cmd.Env = append(os.Environ(), "JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"))
	cmd.Stdin = bytes.NewReader(js)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("run_scenarios.py: %v\n%s", err, stderr.String())
	}
	var got [][]cellOutcome
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("run_scenarios.py output: %v\n%s", err, out)
	}
	if len(got) != len(input) {
		t.Fatalf("got %d scenarios back, want %d", len(got), len(input))
	}
	return got
}
