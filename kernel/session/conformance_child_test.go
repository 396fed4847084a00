package session

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
)

// The sessions of TestConformance run in child processes of the test
// binary, each child a batch of programs one after the other. A kernel
// holds one notebook, but a test process that ran many sessions may hold
// goroutines of earlier ones that never ended (a cell reported as a
// deadlock leaves its goroutines blocked), and the session's deadlock check
// looks at every goroutine of the process: a later program would then be
// judged next to goroutines that are not its own. So a child ends its
// batch as soon as a session leaves interpreted goroutines behind, and the
// next batch starts in a fresh process.

// childEnv, set in a child, is "INDEX WAY OUTFILE": run the programs from
// the INDEXth (its ways from WAY on) and append a childResult a line to
// OUTFILE.
const childEnv = "GOPHERLAB_CONFORMANCE_CHILD"

// childBinEnv passes the gopherlab binary (for runtime/mp programs) to a
// child, so that it is built once.
const childBinEnv = "GOPHERLAB_CONFORMANCE_BIN"

// childResult is the outcome of one way of one program in a child.
type childResult struct {
	Program, Way                string
	Stdout, Fault, Detail, Leak string
	// Left is the number of goroutines running interpreted code that the
	// session left behind; the child stops after such a run.
	Left int
}

// sessionRuns holds the results of the children of one TestConformance.
type sessionRuns struct {
	results map[[2]string]childResult
	left    []string // "program way (n goroutines)" of runs that left some
	batches int
}

// get returns the outcome of program i's way w, starting a child from
// there when no earlier child ran it.
func (r *sessionRuns) get(t *testing.T, ps []program, i, w int) outcome {
	t.Helper()
	key := [2]string{ps[i].name, conformanceWays[w]}
	res, ok := r.results[key]
	if !ok {
		r.runChild(t, ps, i, w)
		if res, ok = r.results[key]; !ok {
			t.Fatalf("the child process gave no result for %s %s", key[0], key[1])
		}
	}
	return outcome{stdout: res.Stdout, fault: res.Fault, detail: res.Detail, leak: res.Leak}
}

// runChild runs the test binary as a child from program i's way w on, with
// the subtest part of this test's -run pattern, and reads its results.
func (r *sessionRuns) runChild(t *testing.T, ps []program, i, w int) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "results.jsonl")
	pattern := "^TestConformance$"
	if run := flag.Lookup("test.run"); run != nil {
		if _, sub, ok := strings.Cut(run.Value.String(), "/"); ok {
			pattern += "/" + sub
		}
	}
	args := []string{"-test.run=" + pattern, "-test.count=1", "-test.timeout=30m"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %d %s", childEnv, i, w, out))
	for _, p := range ps[i:] {
		if p.mp && skipReason(p) == "" {
			cmd.Env = append(cmd.Env, childBinEnv+"="+conformanceBinary(t))
			break
		}
	}
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	err := cmd.Run()
	r.batches++
	f, ferr := os.Open(out)
	if ferr == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			var res childResult
			if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
				t.Fatalf("child result %q: %v", sc.Text(), err)
			}
			r.results[[2]string{res.Program, res.Way}] = res
			if res.Left > 0 {
				r.left = append(r.left, fmt.Sprintf("%s %s (%d goroutines)", res.Program, res.Way, res.Left))
			}
		}
		f.Close()
	}
	if err != nil {
		t.Fatalf("child test process: %v\n%s", err, tail(log.String(), 4000))
	}
}

// conformanceBinary is the gopherlab binary whose worker runs the child
// processes of runtime/mp programs.
func conformanceBinary(t *testing.T) string {
	if bin := os.Getenv(childBinEnv); bin != "" {
		return bin
	}
	return kerneltest.Binary(t)
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// conformanceChild is TestConformance in a child: it runs the ways of the
// programs from spec on in sessions of this process and writes each
// outcome to the results file, until a session leaves goroutines behind.
func conformanceChild(t *testing.T, ps []program, spec string) {
	var from, fromWay int
	var out string
	if _, err := fmt.Sscanf(spec, "%d %d %s", &from, &fromWay, &out); err != nil {
		t.Fatalf("%s=%q: %v", childEnv, spec, err)
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	base := interpGoroutines(0)
	stopped := false
	for i := from; i < len(ps); i++ {
		p := ps[i]
		t.Run(p.name, func(t *testing.T) {
			if stopped || skipReason(p) != "" {
				return
			}
			for w, way := range conformanceWays {
				if i == from && w < fromWay {
					continue
				}
				cells, err := cellsOf(p, way)
				if err != nil {
					t.Fatal(err)
				}
				o := runInSession(t, p, cells)
				left := interpGoroutines(base) - base
				res := childResult{Program: p.name, Way: way, Stdout: o.stdout, Fault: o.fault,
					Detail: o.detail, Leak: o.leak, Left: left}
				if err := enc.Encode(res); err != nil {
					t.Fatal(err)
				}
				if left > 0 {
					stopped = true
					return
				}
			}
		})
	}
}

// interpGoroutines counts the goroutines of this process that run
// interpreted code, waiting up to a second for the count to fall to want
// (goroutines of a closed session end at their next step).
func interpGoroutines(want int) int {
	buf := make([]byte, 1<<20)
	deadline := time.Now().Add(time.Second)
	for {
		n := runtime.Stack(buf, true)
		if n == len(buf) {
			buf = make([]byte, 2*len(buf))
			continue
		}
		count := 0
		for _, g := range bytes.Split(buf[:n], []byte("\n\n")) {
			if bytes.Contains(g, []byte("github.com/traefik/yaegi/interp.")) {
				count++
			}
		}
		if count <= want || time.Now().After(deadline) {
			return count
		}
		time.Sleep(20 * time.Millisecond)
	}
}
