package kernel_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// richPython runs /usr/bin/python3 with args in testdata under env.
func richPython(t *testing.T, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", args...)
	cmd.Dir = "testdata"
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("python3 %v: %v", args, err)
	}
}

// TestJupyterRich runs testdata/rich_kernel_test.py: jupyter_kernel_test's
// completion, inspect, display_data, clear_output and execute_result checks
// with Go samples, plus checks of cursor positions, notebook names, display
// updates and displays from goroutines.
func TestJupyterRich(t *testing.T) {
	richPython(t, jupyterEnv(t, "jupyter_kernel_test"), "-m", "unittest", "-v", "rich_kernel_test")
}

// TestBrowser runs testdata/browser_check.py: classic Notebook in headless
// Chromium renders display.HTML and display.SVG outputs, and Tab after
// fmt.Pri offers Println, which accepted gives fmt.Println. The screenshot
// goes to $GOPHERLAB_SCREENSHOT when set, else into a temporary directory.
func TestBrowser(t *testing.T) {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromedriver"} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s not found: apt-get install -y chromium chromium-driver", p)
		}
	}
	env := jupyterEnv(t, "nbformat", "notebook")
	shot := os.Getenv("GOPHERLAB_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "browser.png")
	}
	shot, err := filepath.Abs(shot)
	if err != nil {
		t.Fatal(err)
	}
	richPython(t, env, "browser_check.py", shot)
}
