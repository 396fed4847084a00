package reliability

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest/zmqtest"
)

func TestMain(m *testing.M) { kerneltest.Main(m) }

// gopherlab returns the gopherlab binary, built once for the package
// (kerneltest.Binary, which skips the test under -short).
func gopherlab(t testing.TB) string {
	t.Helper()
	return kerneltest.Binary(t)
}

// startKernel starts `gopherlab kernel CONN` on a fresh connection file.
func startKernel(t testing.TB) *zmqtest.Proc {
	t.Helper()
	return zmqtest.StartKernel(t, gopherlab(t))
}

// run runs code, fails unless the reply is ok, and returns its standard
// output.
func run(c *zmqtest.Client, code string) string {
	c.T.Helper()
	out, _ := zmqtest.Stream(c.MustExecute(code), "stdout")
	return out
}

// descendants returns the pids of the live descendants of pid, from
// /proc.
func descendants(pid int) []int {
	children := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, ok := ppid(n); ok {
			children[pp] = append(children[pp], n)
		}
	}
	var out []int
	var walk func(int)
	walk = func(p int) {
		for _, c := range children[p] {
			out = append(out, c)
			walk(c)
		}
	}
	walk(pid)
	return out
}

// ppid returns the parent of a live (not zombie) process.
func ppid(pid int) (int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 || f[0] == "Z" || f[0] == "X" {
		return 0, false
	}
	n, err := strconv.Atoi(f[1])
	return n, err == nil
}

// alive reports whether pid is a live (not zombie) process.
func alive(pid int) bool {
	_, ok := ppid(pid)
	return ok && syscall.Kill(pid, 0) == nil
}

// waitGone waits up to d for every pid to be gone and returns the ones
// still alive.
func waitGone(pids []int, d time.Duration) []int {
	deadline := time.Now().Add(d)
	for {
		var left []int
		for _, p := range pids {
			if alive(p) {
				left = append(left, p)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shmEntries returns the names of gopherlab's entries in /dev/shm.
func shmEntries() map[string]bool {
	m := map[string]bool{}
	ents, _ := os.ReadDir("/dev/shm")
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "gopherlab") {
			m[e.Name()] = true
		}
	}
	return m
}

// rss returns the resident set size of pid in bytes, from /proc.
func rss(t testing.TB, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb * 1024
		}
	}
	t.Fatal("no VmRSS in /proc/PID/status")
	return 0
}

// openFDs returns the number of file descriptors of this process.
func openFDs() int {
	ents, _ := os.ReadDir("/proc/self/fd")
	return len(ents)
}

// soak reports whether the long soak is on (GOPHERLAB_SOAK=1).
func soak() bool { return os.Getenv("GOPHERLAB_SOAK") == "1" }
