package main

import (
	"context"
	"debug/buildinfo"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gopherlab/gopherlab/kernel"
	"github.com/gopherlab/gopherlab/kernel/internal/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/wire"
	"github.com/gopherlab/gopherlab/kernel/worker"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

// Tests and a benchmark of the kernel's start: package earlybind binds the
// sockets while the binary initialises, and the server takes them over.

func TestMain(m *testing.M) { kerneltest.Main(m) }

// writeConn writes a connection file for transport into dir.
func writeConn(t testing.TB, dir, transport string) (kernel.ConnectionInfo, string) {
	t.Helper()
	c := kernel.ConnectionInfo{Transport: transport, Key: wire.NewID(), SignatureScheme: "hmac-sha256"}
	ports := []*int{&c.ShellPort, &c.IOPubPort, &c.StdinPort, &c.ControlPort, &c.HBPort}
	if transport == "ipc" {
		c.IP = filepath.Join(dir, "k")
		for i, p := range ports {
			*p = i + 1
		}
	} else {
		c.IP = "127.0.0.1"
		for _, p := range ports {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			*p = ln.Addr().(*net.TCPAddr).Port
		}
	}
	name := filepath.Join(dir, "kernel-"+transport+".json")
	spec := fmt.Sprintf(`{"transport": %q, "ip": %q, "shell_port": %d, "iopub_port": %d, "stdin_port": %d,
  "control_port": %d, "hb_port": %d, "key": %q, "signature_scheme": %q, "kernel_name": "gopherlab"}`,
		c.Transport, c.IP, c.ShellPort, c.IOPubPort, c.StdinPort, c.ControlPort, c.HBPort, c.Key, c.SignatureScheme)
	if err := os.WriteFile(name, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	return c, name
}

// startKernel starts `bin kernel connFile` with env added to the
// environment; the process is killed at the end of the test.
func startKernel(t testing.TB, bin, connFile string, env ...string) (*exec.Cmd, *kerneltest.SyncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "kernel", connFile)
	cmd.Env = append(os.Environ(), "GOPHERLAB_DEBUG=1") // the log says how the sockets were bound
	cmd.Env = append(cmd.Env, env...)
	var log kerneltest.SyncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, &log
}

// kernelInfo sends kernel_info_request on the shell socket of c and waits
// for the reply.
func kernelInfo(t testing.TB, c kernel.ConnectionInfo, timeout time.Duration) error {
	_, err := shellRequest(c, wire.KernelInfoRequest, struct{}{}, timeout)
	return err
}

// shellRequest sends a request of type typ with content on the kernel's
// shell socket and returns its reply.
func shellRequest(c kernel.ConnectionInfo, typ wire.MsgType, content any, timeout time.Duration) (*wire.Message, error) {
	codec, err := wire.NewCodec(c.SignatureScheme, []byte(c.Key))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	session := wire.NewID()
	shell := zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity(session)), zmq4.WithDialerRetry(time.Millisecond), zmq4.WithDialerMaxRetries(-1))
	defer shell.Close()
	if err := shell.Dial(c.Addr(c.ShellPort)); err != nil {
		return nil, err
	}
	m := &wire.Message{Header: wire.NewHeader(typ, session)}
	m.SetContent(content)
	frames, err := codec.Encode(m)
	if err != nil {
		return nil, err
	}
	if err := shell.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		return nil, err
	}
	for {
		raw, err := shell.Recv()
		if err != nil {
			return nil, fmt.Errorf("no reply to %s: %w", typ, err)
		}
		r, err := codec.Decode(raw.Frames)
		if err != nil {
			return nil, err
		}
		if r.ParentHeader().MsgID == m.Header.MsgID {
			return r, nil
		}
	}
}

// panicText runs code, which ends in a panic, and returns the panic's
// text from the execute_reply: what a cell computed, read on the shell
// channel alone.
func panicText(t *testing.T, c kernel.ConnectionInfo, log fmt.Stringer, code string) string {
	t.Helper()
	req := wire.DefaultExecuteRequest()
	req.Code = code
	r, err := shellRequest(c, wire.ExecuteRequest, req, 60*time.Second)
	if err != nil {
		t.Fatalf("%v; kernel log:\n%s", err, log)
	}
	var rep wire.ExecuteErrorReplyContent
	if err := r.DecodeContent(&rep); err != nil {
		t.Fatal(err)
	}
	return rep.EValue
}

// TestKernelGOGC: GOPHERLAB_GOGC sets the kernel's own GC percent, which a
// cell reads.
func TestKernelGOGC(t *testing.T) {
	bin := kerneltest.Binary(t)
	c, name := writeConn(t, t.TempDir(), "ipc")
	_, log := startKernel(t, bin, name, "GOPHERLAB_GOGC=30")
	got := panicText(t, c, log, `import ("fmt"; "runtime/debug")
p := debug.SetGCPercent(-1)
debug.SetGCPercent(p)
panic(fmt.Sprintf("gc percent %d", p))`)
	if !strings.Contains(got, "gc percent 30") {
		t.Errorf("the kernel's GC percent: %q, want 30", got)
	}
}

// TestKernelBindsEarly starts the kernel on tcp and ipc connection files and
// checks that it answers on sockets it bound while initialising, and that
// it removes its ipc socket files when it ends.
func TestKernelBindsEarly(t *testing.T) {
	bin := kerneltest.Binary(t)
	for _, transport := range []string{"tcp", "ipc"} {
		t.Run(transport, func(t *testing.T) {
			dir := t.TempDir()
			c, name := writeConn(t, dir, transport)
			cmd, log := startKernel(t, bin, name)
			if err := kernelInfo(t, c, 30*time.Second); err != nil {
				t.Fatalf("%v; kernel log:\n%s", err, log)
			}
			if !strings.Contains(log.String(), "(sockets bound during initialisation)") {
				t.Errorf("the kernel bound its sockets in Serve, not while initialising; log:\n%s", log)
			}
			cmd.Process.Signal(syscall.SIGTERM)
			if err := cmd.Wait(); err != nil {
				t.Errorf("kernel exit after SIGTERM: %v; log:\n%s", err, log)
			}
			if transport == "ipc" {
				ents, _ := os.ReadDir(dir)
				for _, e := range ents {
					if strings.HasPrefix(e.Name(), "k-") {
						t.Errorf("socket file %s left behind", e.Name())
					}
				}
			}
		})
	}
}

// TestKernelStartErrors checks that what earlybind cannot bind the kernel
// binds or reports as it would without it.
func TestKernelStartErrors(t *testing.T) {
	bin := kerneltest.Binary(t)
	t.Run("port taken", func(t *testing.T) {
		c, name := writeConn(t, t.TempDir(), "tcp")
		taken, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", c.StdinPort))
		if err != nil {
			t.Fatal(err)
		}
		defer taken.Close()
		out, err := exec.Command(bin, "kernel", name).CombinedOutput()
		want := fmt.Sprintf("kernel: listen stdin on tcp://127.0.0.1:%d: ", c.StdinPort)
		if err == nil || !strings.Contains(string(out), want) || !strings.Contains(string(out), "address already in use") {
			t.Errorf("kernel with its stdin port taken: %v, output:\n%s\nwant %q ... address already in use", err, out, want)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "kernel.json")
		os.WriteFile(name, []byte(`{"ip": "127.0.0.1", "shell_port": 1,`), 0o600)
		out, err := exec.Command(bin, "kernel", name).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "kernel: connection file "+name+": unexpected end of JSON input") {
			t.Errorf("kernel on a truncated connection file: %v, output:\n%s", err, out)
		}
	})
	t.Run("host name", func(t *testing.T) {
		// earlybind binds IPv4 addresses only; Serve binds the rest.
		dir := t.TempDir()
		c, _ := writeConn(t, dir, "tcp")
		c.IP = "localhost"
		name := filepath.Join(dir, "localhost.json")
		os.WriteFile(name, fmt.Appendf(nil, `{"ip": "localhost", "shell_port": %d, "iopub_port": %d, "stdin_port": %d, "control_port": %d, "hb_port": %d, "key": %q, "signature_scheme": "hmac-sha256"}`,
			c.ShellPort, c.IOPubPort, c.StdinPort, c.ControlPort, c.HBPort, c.Key), 0o600)
		_, log := startKernel(t, bin, name)
		if err := kernelInfo(t, c, 30*time.Second); err != nil {
			t.Fatalf("%v; kernel log:\n%s", err, log)
		}
		if strings.Contains(log.String(), "(sockets bound during initialisation)") {
			t.Errorf("sockets for a host name bound early; log:\n%s", log)
		}
	})
}

// BenchmarkKernelStart measures, for each start of `gopherlab kernel`, the
// time from exec until the shell port accepts a TCP connection (listen-ms)
// and until a client that connects at that moment gets its
// kernel_info_reply (kernel_info-ms). jupyter_client connects right after
// the exec, and libzmq retries a refused connection only every 100ms. Set
// GOPHERLAB_BENCH_BIN to measure another build:
//
//	go test -run '^$' -bench KernelStart -benchtime 20x ./kernel/cmd/gopherlab/
func BenchmarkKernelStart(b *testing.B) {
	bin := kerneltest.Binary(b)
	dir := b.TempDir()
	var listen, info []float64
	for i := 0; i < b.N; i++ {
		c, name := writeConn(b, dir, "tcp")
		addr := c.Addr(c.ShellPort)[len("tcp://"):]
		t0 := time.Now()
		cmd := exec.Command(bin, "kernel", name)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for {
			conn, err := net.Dial("tcp", addr)
			if err == nil {
				conn.Close()
				break
			}
			if time.Since(t0) > 30*time.Second {
				b.Fatalf("kernel does not listen on %s: %v", addr, err)
			}
			time.Sleep(200 * time.Microsecond)
		}
		listen = append(listen, float64(time.Since(t0).Microseconds())/1e3)
		if err := kernelInfo(b, c, 30*time.Second); err != nil {
			b.Fatal(err)
		}
		info = append(info, float64(time.Since(t0).Microseconds())/1e3)
		cmd.Process.Kill()
		cmd.Wait()
	}
	b.ReportMetric(median(listen), "listen-ms")
	b.ReportMetric(median(info), "kernel_info-ms")
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// TestEarlybindInitOrder checks with GODEBUG=inittrace=1 that package
// earlybind is initialised ahead of the heavy packages: an import added to
// it would move it after them, and the sockets would listen later.
func TestEarlybindInitOrder(t *testing.T) {
	bin := kerneltest.Binary(t)
	cmd := exec.Command(bin, "kernel", filepath.Join(t.TempDir(), "missing.json"))
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, _ := cmd.CombinedOutput()
	order := map[string]int{}
	for i, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[0] == "init" {
			order[f[1]] = i
		}
	}
	eb, ok := order["github.com/gopherlab/gopherlab/kernel/internal/earlybind"]
	if !ok {
		t.Fatalf("no init of earlybind in the trace:\n%s", out)
	}
	later := []string{"net", "os", "github.com/gopherlab/gopherlab/kernel/symbols/stdlib"}
	if runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64" {
		later = append(later, "syscall", "sync")
	}
	for _, p := range later {
		if i, ok := order[p]; !ok || i < eb {
			t.Errorf("package %s initialised before earlybind (or not at all): %d < %d", p, i, eb)
		}
	}
}

// TestWorkerCodeMapped checks that package earlybind maps all of the
// binary's code: a worker waiting for its declarations (a spare, which
// says when it has started) has the whole of its text mapping resident,
// where its start alone touches a fraction of it. (earlybind's own tests
// check the heap it maps.)
func TestWorkerCodeMapped(t *testing.T) {
	bin := kerneltest.Binary(t)
	ctrlR, ctrlW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer ctrlR.Close()
	stdin, stdinW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdinW.Close()
	cmd := exec.Command(bin, "worker")
	cmd.Stdin = stdin
	cmd.ExtraFiles = []*os.File{ctrlW, ctrlW} // fd 3 stands in for mp's socket, fd 4 is the control pipe
	cmd.Env = append(os.Environ(), mp.ChildEnv+"=3", worker.SpareEnv+"=1", worker.CtrlEnv+"=4")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	stdin.Close()
	ctrlW.Close()
	if _, err := ctrlR.Read(make([]byte, 1)); err != nil {
		t.Fatalf("the worker did not say it started: %v", err)
	}
	// The mapping runs on a thread of its own: give it a second.
	var smaps []byte
	var textSize, textRss int
	for deadline := time.Now().Add(time.Second); ; time.Sleep(10 * time.Millisecond) {
		smaps, err = os.ReadFile(fmt.Sprintf("/proc/%d/smaps", cmd.Process.Pid))
		if err != nil {
			t.Skip(err)
		}
		textSize, textRss = codeResidentKB(string(smaps), bin)
		if (textSize > 0 && textRss >= textSize*95/100) || time.Now().After(deadline) {
			break
		}
	}
	if textSize == 0 {
		t.Fatalf("no text mapping of %s in the worker's smaps:\n%s", bin, smaps)
	}
	if textRss < textSize*95/100 {
		t.Errorf("%d of the worker's %d KB of code are mapped; earlybind should have mapped them all", textRss, textSize)
	}
	t.Logf("%d of %d KB of code mapped", textRss, textSize)
}

// codeResidentKB returns, from a /proc/PID/smaps, the size and the
// resident part of the text mapping of the executable bin, in KB.
func codeResidentKB(smaps, bin string) (size, rss int) {
	text := false
	for _, line := range strings.Split(smaps, "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") {
			text = len(f) >= 6 && f[1] == "r-xp" && f[5] == bin
			continue
		}
		if text && len(f) == 3 {
			n, _ := strconv.Atoi(f[1])
			switch f[0] {
			case "Size:":
				size = n
			case "Rss:":
				rss = n
			}
		}
	}
	return size, rss
}

// TestNoMaxProcsUpdates checks that the binary is built without the
// runtime's goroutine following CPU-limit changes (//go:debug in main.go),
// which costs every worker's start.
func TestNoMaxProcsUpdates(t *testing.T) {
	info, err := buildinfo.ReadFile(kerneltest.Binary(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range info.Settings {
		if s.Key == "DefaultGODEBUG" && strings.Contains(","+s.Value+",", ",updatemaxprocs=0,") {
			return
		}
	}
	t.Errorf("the binary's build settings have no DefaultGODEBUG with updatemaxprocs=0: %v", info.Settings)
}
