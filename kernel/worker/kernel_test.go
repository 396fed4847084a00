package worker_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
)

// TestKernelProcesses runs testdata/procs_kernel.py: the tutorial's programs
// and the faults (refused closure, panicking child, child killed holding the
// lock, interrupt, daemon output, restart, killed kernel) through the real
// kernel with jupyter_client, checking that no process or shared memory is
// left behind. Set GOPHERLAB_PROCS_TESTS to a unittest name pattern (for
// instance test_6) to run some of them.
func TestKernelProcesses(t *testing.T) {
	kerneltest.NeedJupyter(t, "starts the real kernel through jupyter_client")
	prefix := t.TempDir()
	kerneltest.Install(t, prefix)
	args := []string{"-m", "unittest", "-v"}
	if p := os.Getenv("GOPHERLAB_PROCS_TESTS"); p != "" {
		args = append(args, "-k", p)
	}
	args = append(args, "procs_kernel")
	cmd := exec.Command("/usr/bin/python3", args...)
	cmd.Dir = "testdata"
	cmd.Env = append(os.Environ(),
		"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
		"JUPYTER_RUNTIME_DIR="+t.TempDir(),
		"PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatal(fmt.Errorf("procs_kernel.py: %w", err))
	}
}
