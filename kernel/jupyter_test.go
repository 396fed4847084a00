package kernel_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
)

// jupyterEnv skips the test under -short or without Jupyter, installs the
// kernel and returns an environment whose JUPYTER_PATH finds it.
func jupyterEnv(t *testing.T, modules ...string) []string {
	t.Helper()
	kerneltest.NeedJupyter(t, "runs Jupyter clients against the kernel")
	for _, m := range modules {
		if err := exec.Command("/usr/bin/python3", "-c", "import "+m).Run(); err != nil {
			t.Skipf("python module %s not found for /usr/bin/python3", m)
		}
	}
	prefix := kerneltest.Prefix(t)
	home := t.TempDir()
	return append(os.Environ(),
		"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(home, "runtime"),
		"JUPYTER_DATA_DIR="+filepath.Join(home, "data"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(home, "config"),
		"IPYTHONDIR="+filepath.Join(home, "ipython"),
		"PYTHONDONTWRITEBYTECODE=1",
	)
}

// TestJupyterKernelTest runs Debian's jupyter_kernel_test suite
// (testdata/gopherlab_kernel_test.py) against the installed kernel.
func TestJupyterKernelTest(t *testing.T) {
	env := jupyterEnv(t, "jupyter_kernel_test")
	cmd := exec.Command("/usr/bin/python3", "-m", "unittest", "-v", "gopherlab_kernel_test")
	cmd.Dir = "testdata"
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("jupyter_kernel_test: %v", err)
	}
	// Completion, inspect and display samples live in rich_kernel_test.py.
	for _, name := range []string{"test_kernel_info", "test_execute_stdout", "test_execute_stderr", "test_error",
		"test_execute_result", "test_is_complete", "test_history"} {
		if !strings.Contains(string(out), name+" (gopherlab_kernel_test.GopherlabKernelTests."+name+") ... ok") {
			t.Errorf("%s did not pass", name)
		}
	}
}

// TestJupyterInterrupts runs testdata/interrupt_test.py through
// jupyter_client: a cell sent as soon as an interrupted or failed cell's
// reply is in runs, the cells queued behind an error are aborted, and an
// interrupt that stops a cell's processes says so once.
func TestJupyterInterrupts(t *testing.T) {
	env := jupyterEnv(t, "jupyter_client")
	cmd := exec.Command("/usr/bin/python3", "-m", "unittest", "-v", "interrupt_test")
	cmd.Dir = "testdata"
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("interrupt_test.py: %v", err)
	}
	if n := strings.Count(string(out), " ... ok"); n != 6 {
		t.Errorf("%d of the 6 tests passed", n)
	}
}

// TestJupyterNbconvert executes a notebook with
// `jupyter nbconvert --to notebook --execute` and checks its outputs.
func TestJupyterNbconvert(t *testing.T) {
	env := jupyterEnv(t, "nbconvert", "nbformat")
	dir := t.TempDir()
	cells := []string{
		`import "fmt"`,
		`func square(x int) int { return x * x }
fmt.Println("square:", square(7))`,
		`square(12)`,
	}
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{"kernelspec": map[string]any{"name": "gopherlab", "display_name": "Go (gopherlab)", "language": "go"}},
	}
	var cs []map[string]any
	for i, c := range cells {
		cs = append(cs, map[string]any{"cell_type": "code", "id": "c" + string(rune('0'+i)), "metadata": map[string]any{},
			"execution_count": nil, "outputs": []any{}, "source": c})
	}
	nb["cells"] = cs
	b, _ := json.Marshal(nb)
	in := filepath.Join(dir, "in.ipynb")
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/jupyter", "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.timeout=60", "--output", "out.ipynb", in)
	cmd.Env = env
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Metadata struct {
			LanguageInfo struct {
				Name string `json:"name"`
			} `json:"language_info"`
		}
		Cells []struct {
			ExecutionCount *int `json:"execution_count"`
			Outputs        []struct {
				OutputType string         `json:"output_type"`
				Text       any            `json:"text"`
				Data       map[string]any `json:"data"`
			}
		}
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Metadata.LanguageInfo.Name != "go" || len(got.Cells) != 3 {
		t.Fatalf("executed notebook: language %q, %d cells", got.Metadata.LanguageInfo.Name, len(got.Cells))
	}
	text := func(v any) string {
		switch v := v.(type) {
		case string:
			return v
		case []any:
			var s strings.Builder
			for _, x := range v {
				s.WriteString(x.(string))
			}
			return s.String()
		}
		return ""
	}
	c1, c2 := got.Cells[1], got.Cells[2]
	if len(c1.Outputs) != 1 || c1.Outputs[0].OutputType != "stream" || text(c1.Outputs[0].Text) != "square: 49\n" {
		t.Errorf("cell 2 outputs = %+v", c1.Outputs)
	}
	if len(c2.Outputs) != 1 || c2.Outputs[0].OutputType != "execute_result" || text(c2.Outputs[0].Data["text/plain"]) != "144" {
		t.Errorf("cell 3 outputs = %+v", c2.Outputs)
	}
	for i, c := range got.Cells {
		if c.ExecutionCount == nil || *c.ExecutionCount != i+1 {
			t.Errorf("cell %d execution_count = %v", i+1, c.ExecutionCount)
		}
	}
}

// TestJupyterConsole drives `jupyter console --kernel gopherlab
// --simple-prompt` through piped standard input.
func TestJupyterConsole(t *testing.T) {
	env := jupyterEnv(t, "jupyter_console")
	cmd := exec.Command("/usr/bin/jupyter", "console", "--kernel", "gopherlab", "--simple-prompt",
		"--ZMQTerminalInteractiveShell.kernel_timeout=120")
	cmd.Env = env
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader("import \"fmt\"\nfmt.Println(\"hello from\", \"console\")\n20+22\n")
	out := &kerneltest.SyncBuffer{}
	cmd.Stdout = out
	cmd.Stderr = out
	// The console and the kernel it starts form one process group, ended
	// together if the console hangs; the kernel may hold the output pipe.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("jupyter console: %v\n%s", err, out.String())
		}
	case <-time.After(3 * time.Minute):
		// SIGQUIT makes the kernel print its goroutines to its log. The
		// kernel runs in a session of its own (jupyter_client starts it so):
		// find it by its connection file, which lies in this test's runtime dir.
		for _, kv := range cmd.Env {
			if dir, ok := strings.CutPrefix(kv, "JUPYTER_RUNTIME_DIR="); ok {
				exec.Command("pkill", "-QUIT", "-f", dir).Run()
			}
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGQUIT)
		time.Sleep(2 * time.Second)
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		t.Fatalf("jupyter console did not finish\n%s", out.String())
	}
	s := out.String()
	for _, want := range []string{"hello from console", "Out[3]: 42", "gopherlab"} {
		if !strings.Contains(s, want) {
			t.Errorf("console output lacks %q:\n%s", want, s)
		}
	}
}
