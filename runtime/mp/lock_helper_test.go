package mp

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The tests of the shared types start helper processes by re-executing the
// test binary with -test.run=^TestSharedHelperProcess$: the helper named by
// helperNameEnv runs with the shared objects rebuilt from inherited files,
// as a Process child would, then the process exits with its status.
const (
	helperNameEnv = "MP_TEST_SHARED_HELPER"
	helperObjsEnv = "MP_TEST_SHARED_OBJS"
)

type sharedDesc struct {
	Kind   string
	NFiles int
	Meta   []byte
}

// helpers are the helper process bodies; they return the exit status.
var helpers = map[string]func(objs []any, args []string) int{}

// startHelper starts a helper process running helpers[name] over objs. It
// is killed and reaped when the test ends, if it has not been waited for.
func startHelper(t testing.TB, name string, args []string, objs ...sharer) *exec.Cmd {
	t.Helper()
	var descs []sharedDesc
	var files []*os.File
	for _, o := range objs {
		kind, fs, meta, err := o.share()
		if err != nil {
			t.Fatal(err)
		}
		descs = append(descs, sharedDesc{kind, len(fs), meta})
		files = append(files, fs...)
	}
	enc, err := json.Marshal(descs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestSharedHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), helperNameEnv+"="+name, helperObjsEnv+"="+string(enc))
	cmd.ExtraFiles = files
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd
}

// waitHelpers waits for the helpers and fails the test if one failed.
func waitHelpers(t testing.TB, cmds ...*exec.Cmd) {
	t.Helper()
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("helper %v: %v", c.Env[len(c.Env)-2], err)
		}
	}
}

func TestSharedHelperProcess(t *testing.T) {
	name := os.Getenv(helperNameEnv)
	if name == "" {
		t.Skip("helper process for the shared-memory tests")
	}
	var descs []sharedDesc
	if err := json.Unmarshal([]byte(os.Getenv(helperObjsEnv)), &descs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var objs []any
	fd := 3
	for _, d := range descs {
		var fs []*os.File
		for range d.NFiles {
			fs = append(fs, os.NewFile(uintptr(fd), "shared"))
			fd++
		}
		o, err := openShared(d.Kind, fs, d.Meta)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		objs = append(objs, o)
	}
	var args []string
	for i, a := range os.Args {
		if a == "--" {
			args = os.Args[i+1:]
			break
		}
	}
	f := helpers[name]
	if f == nil {
		fmt.Fprintln(os.Stderr, "no helper", name)
		os.Exit(2)
	}
	os.Exit(f(objs, args))
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

// countFDs returns the number of open file descriptors of this process.
func countFDs(t testing.TB) int {
	t.Helper()
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(es)
}

// devShm lists the gopherlab entries in /dev/shm.
func devShm() []string {
	es, _ := os.ReadDir("/dev/shm")
	var names []string
	for _, e := range es {
		if strings.HasPrefix(e.Name(), "gopherlab") {
			names = append(names, e.Name())
		}
	}
	return names
}

// checkNoLeaks records the open files and /dev/shm entries now and checks,
// when the test ends, that the shared objects the test dropped gave their
// files back (cleanups run after garbage collections).
func checkNoLeaks(t *testing.T) {
	t.Helper()
	runtime.GC()
	before := countFDs(t)
	shm := len(devShm())
	t.Cleanup(func() {
		after := 0
		for range 400 {
			runtime.GC()
			if after = countFDs(t); after <= before {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if after > before {
			t.Errorf("leaked file descriptors: %d open before, %d after", before, after)
		}
		if n := len(devShm()); n > shm {
			t.Errorf("leaked /dev/shm entries: %v", devShm())
		}
	})
}

// TestOpenBadDescriptions checks that a child given a wrong description of
// a shared object gets an error, not a panic.
func TestOpenBadDescriptions(t *testing.T) {
	small := func() []*os.File {
		f, err := os.CreateTemp(t.TempDir(), "seg")
		if err != nil {
			t.Fatal(err)
		}
		f.Truncate(8)
		return []*os.File{f}
	}
	page := func() []*os.File { return []*os.File{mustSegment(4096).File()} }
	for _, tc := range []struct {
		kind  string
		files func() []*os.File
		meta  []byte
	}{
		{kindLock, page, nil},
		{kindLock, page, []byte{1, 0, 0, 0, 0, 0, 0, 0}},   // unaligned offset
		{kindLock, page, []byte{0, 16, 0, 0, 0, 0, 0, 0}},  // offset past the end
		{kindLock, small, []byte{0, 0, 0, 0, 64, 0, 0, 0}}, // trace buffer past the end
		{kindLock, func() []*os.File { return nil }, make([]byte, 8)},
		{kindValue, page, []byte{'z', 1, 1, 0, 0, 0, 0, 0, 0, 0}},
		{kindValue, small, []byte{'q', 1, 1, 0, 0, 0, 0, 0, 0, 0}},
		{kindArray, page, []byte{'q', 1, 0, 0, 0, 0, 0, 0, 1, 0}},
		{kindArray, page, []byte{'q', 1}},
		{kindRLock, small, nil},
		{kindEvent, func() []*os.File { return nil }, nil},
		{kindCondition, page, make([]byte, 8)},
		{kindBarrier, small, nil},
		{"mp.Nothing", page, nil},
	} {
		obj, err := openShared(tc.kind, tc.files(), tc.meta)
		if err == nil {
			t.Errorf("openShared(%s, %v) = %v, want an error", tc.kind, tc.meta, obj)
		}
	}
}
