package kernel_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestJupyterLabServices runs testdata/lab/services.test.mjs: the kernel
// driven through JupyterLab 4's client library, @jupyterlab/services, via
// Debian's jupyter-server, as JupyterLab 4 and Notebook 7 drive it
// (execute, streams, display and update_display, input_request, completion
// with types, inspection, is_complete, comm_info, interrupt, restart). It
// needs node and `npm ci` in testdata/lab; .ci/run does that and sets
// GOPHERLAB_LAB_TEST=1, which turns a missing piece into a failure.
func TestJupyterLabServices(t *testing.T) {
	required := os.Getenv("GOPHERLAB_LAB_TEST") != ""
	missing := func(why string) {
		t.Helper()
		if required {
			t.Fatalf("GOPHERLAB_LAB_TEST is set but %s", why)
		}
		t.Skip(why)
	}
	if testing.Short() {
		t.Skip("runs jupyter-server and node; skipped under -short")
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node is not installed")
	}
	if _, err := os.Stat(filepath.Join("testdata", "lab", "node_modules", "@jupyterlab", "services")); err != nil {
		missing("testdata/lab/node_modules is missing: run npm ci in kernel/testdata/lab")
	}
	if exec.Command("/usr/bin/python3", "-c", "import jupyter_server").Run() != nil {
		missing("jupyter_server is not installed for /usr/bin/python3 (apt-get install python3-jupyter-server)")
	}
	env := jupyterEnv(t)
	cmd := exec.Command("node", "--test", "--test-reporter=spec", "services.test.mjs")
	cmd.Dir = filepath.Join("testdata", "lab")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("services.test.mjs: %v", err)
	}
	if !strings.Contains(string(out), "fail 0") {
		t.Errorf("not every test passed")
	}
}

// TestJupyterLabPage builds a notebook page from JupyterLab 4's npm
// packages (testdata/lab/page: services, rendermime, outputarea,
// codemirror, the light theme) and runs testdata/lab_page_check.py: a
// lesson signed as install.sh signs it opens in headless Chromium through
// jupyter-server with its committed SVG rendered (an unsigned copy shows
// none, as in JupyterLab), its Go code coloured by JupyterLab's CodeMirror
// registry chosen from language_info, and runs in the kernel without a
// failing cell. Screenshots go to $GOPHERLAB_SCREENSHOT-committed.png and
// -run.png when it is set.
func TestJupyterLabPage(t *testing.T) {
	required := os.Getenv("GOPHERLAB_LAB_TEST") != ""
	if testing.Short() {
		t.Skip("builds a page and runs Chromium; skipped under -short")
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromedriver", filepath.Join("testdata", "lab", "node_modules", "esbuild")} {
		if _, err := os.Stat(p); err != nil {
			if required {
				t.Fatalf("GOPHERLAB_LAB_TEST is set but %s is missing", p)
			}
			t.Skipf("%s is missing (apt-get install chromium chromium-driver; npm ci in testdata/lab)", p)
		}
	}
	env := jupyterEnv(t, "jupyter_server", "nbformat")
	build := t.TempDir()
	if out, err := exec.Command("node", filepath.Join("testdata", "lab", "page", "build.mjs"), build).CombinedOutput(); err != nil {
		t.Fatalf("building the page: %v\n%s", err, out)
	}
	shots := os.Getenv("GOPHERLAB_SCREENSHOT")
	if shots == "" {
		shots = filepath.Join(t.TempDir(), "labpage")
	}
	shots, err := filepath.Abs(shots)
	if err != nil {
		t.Fatal(err)
	}
	lesson, err := filepath.Abs(filepath.Join("..", "lessons", "04-acquire-release.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	richPython(t, env, "lab_page_check.py", build, lesson, shots)
}
