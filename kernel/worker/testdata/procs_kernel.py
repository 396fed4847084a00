"""Processes from notebook cells, through the real gopherlab kernel.

Run by TestKernelProcesses in kernel/worker/kernel_test.go, which installs
the kernel into a temporary prefix and sets JUPYTER_PATH; by hand:

    JUPYTER_PATH=PREFIX/share/jupyter /usr/bin/python3 -m unittest -v procs_kernel

The cells are the tutorial's six programs (with shorter sleeps), and the
faults: a refused closure, a panicking child, a child killed while holding
the lock, interrupt, restart and a killed kernel. Each test checks that no
process and no shared memory is left behind.
"""

import os
import re
import signal
import time
import unittest

import jupyter_client

IMPORTS = '''import (
	"fmt"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)'''

ADD_INT = '''func add(number int, value int, lock *mp.Lock) {
	%s
	fmt.Printf("init add%%d number = %%d\\n", value, number)
	for i := 0; i < 5; i++ {
		number += value
		time.Sleep(30 * time.Millisecond)
		fmt.Printf("add%%d number = %%d\\n", value, number)
	}
}'''

ADD_VALUE = '''func add(number *mp.Value, value int, lock *mp.Lock) {
	%s
	fmt.Printf("init add%%d number = %%d\\n", value, number.Load())
	for i := 0; i < 5; i++ {
		number.Add(value)
		time.Sleep(30 * time.Millisecond)
		fmt.Printf("add%%d number = %%d\\n", value, number.Load())
	}
}'''

LOCKED = "lock.Lock()\n\tdefer lock.Unlock()"
UNLOCKED = "_ = lock"

MAIN_INT = '''lock := mp.NewLock()
number := 0
p1 := mp.NewProcess(add, number, 1, lock)
p2 := mp.NewProcess(add, number, 3, lock)
p1.Start()
p2.Start()
fmt.Println("main end")'''

MAIN_VALUE = '''lock := mp.NewLock()
number := mp.NewValue("i", 0)
p1 := mp.NewProcess(add, number, 1, lock)
p2 := mp.NewProcess(add, number, 3, lock)
p1.Start()
p2.Start()
fmt.Println("main end")'''


def descendants(pid):
    """Pids of the live (not zombie) descendants of pid."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] == "Z":
            continue
        children.setdefault(int(fields[1]), []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def wait_gone(pids, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def shm_files():
    """gopherlab's files in /dev/shm (its fallback when memfd_create is not
    available; memory files vanish with the processes holding them)."""
    try:
        return {f for f in os.listdir("/dev/shm") if f.startswith("gopherlab-")}
    except OSError:
        return set()


class Cell:
    def __init__(self):
        self.stdout = ""
        self.stderr = ""
        self.error = None
        self.reply = None


class ProcessesFromCells(unittest.TestCase):
    def setUp(self):
        self.shm_before = shm_files()
        self.km = jupyter_client.KernelManager(kernel_name="gopherlab")
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        self.kernel_pid = self.km.provisioner.process.pid

    def tearDown(self):
        pids = descendants(self.kernel_pid) if self.km.is_alive() else []
        self.kc.stop_channels()
        if self.km.is_alive():
            self.km.shutdown_kernel(now=False)
        left = wait_gone(pids + [self.kernel_pid])
        self.assertEqual(left, [], "processes left after shutdown")
        self.assertEqual(shm_files() - self.shm_before, set(), "shared memory left in /dev/shm")

    def run_cell(self, code, timeout=120, on_output=None):
        cell = Cell()

        def hook(msg):
            t, c = msg["msg_type"], msg["content"]
            if t == "stream":
                if c["name"] == "stdout":
                    cell.stdout += c["text"]
                else:
                    cell.stderr += c["text"]
                if on_output:
                    on_output(cell)
            elif t == "error":
                cell.error = c

        cell.reply = self.kc.execute_interactive(code, output_hook=hook, timeout=timeout)
        return cell

    def ok(self, code, **kw):
        cell = self.run_cell(code, **kw)
        self.assertEqual(cell.reply["content"]["status"], "ok",
                         "cell failed: %s\n%s\n%s" % (cell.error, cell.stdout, cell.stderr))
        return cell

    def child_lines(self, out):
        return [l for l in out.strip().split("\n") if l.startswith("init add") or l.startswith("add")]

    def assert_blocks(self, lines, start):
        """Each process's six lines come together, counting from start."""
        self.assertEqual(len(lines), 12, lines)
        value = start
        for block in (lines[:6], lines[6:]):
            n = int(re.match(r"init add(\d+)", block[0]).group(1))
            want = ["init add%d number = %d" % (n, value)]
            for i in range(1, 6):
                want.append("add%d number = %d" % (n, value + i * n))
            self.assertEqual(block, want, "lines interleaved under the lock:\n" + "\n".join(lines))
            if start != 0:
                value += 5 * n

    # The tutorial's programs.

    def test_1_plain_int_no_lock(self):
        self.ok(IMPORTS)
        self.ok(ADD_INT % UNLOCKED)
        cell = self.ok(MAIN_INT)
        self.assertIn("main end", cell.stdout)
        lines = self.child_lines(cell.stdout)
        self.assertEqual(len(lines), 12, cell.stdout)
        # Each child counts on its own copy of number from 0.
        self.assertIn("add1 number = 5", lines)
        self.assertIn("add3 number = 15", lines)
        self.assertEqual(self.ok('fmt.Println("parent number =", number)').stdout, "parent number = 0\n")

    def test_2_plain_int_with_lock(self):
        self.ok(IMPORTS)
        self.ok(ADD_INT % LOCKED)
        cell = self.ok(MAIN_INT)
        self.assertIn("main end", cell.stdout)
        self.assert_blocks(self.child_lines(cell.stdout), 0)
        self.assertEqual(self.ok('fmt.Println("parent number =", number)').stdout, "parent number = 0\n")

    def test_3_acquire_release(self):
        self.ok(IMPORTS)
        self.ok(ADD_INT % "lock.Lock()\n\tdefer func() { lock.Unlock() }()")
        cell = self.ok(MAIN_INT)
        self.assert_blocks(self.child_lines(cell.stdout), 0)

    def test_4_shared_value_no_lock(self):
        self.ok(IMPORTS)
        self.ok(ADD_VALUE % UNLOCKED)
        cell = self.ok(MAIN_VALUE)
        self.assertEqual(len(self.child_lines(cell.stdout)), 12, cell.stdout)
        self.assertEqual(self.ok("fmt.Println(number.Load())").stdout, "20\n")

    def test_5_shared_value_with_lock(self):
        self.ok(IMPORTS)
        self.ok(ADD_VALUE % LOCKED)
        cell = self.ok(MAIN_VALUE)
        lines = self.child_lines(cell.stdout)
        self.assertEqual(len(lines), 12, cell.stdout)
        first = int(re.match(r"init add(\d+)", lines[0]).group(1))
        second = 4 - first
        want = ["init add%d number = 0" % first] + ["add%d number = %d" % (first, i * first) for i in range(1, 6)]
        want += ["init add%d number = %d" % (second, 5 * first)]
        want += ["add%d number = %d" % (second, 5 * first + i * second) for i in range(1, 6)]
        self.assertEqual(lines, want, "lines interleaved under the lock")
        self.assertEqual(lines[-1].split(" = ")[1], "20")

    def test_6_array_negated(self):
        self.ok(IMPORTS)
        self.ok(ADD_VALUE % LOCKED + '''

func change(arr *mp.Array) {
	for i := 0; i < arr.Len(); i++ {
		arr.Store(i, -arr.Load(i))
	}
}''')
        cell = self.ok('''lock := mp.NewLock()
number := mp.NewValue("i", 0)
arr := mp.NewArray("i", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
p1 := mp.NewProcess(add, number, 1, lock)
p2 := mp.NewProcess(add, number, 3, lock)
p3 := mp.NewProcess(change, arr)
fmt.Println(arr.Ints())
p1.Start()
p2.Start()
p3.Start()
p3.Join()
fmt.Println(arr.Ints())
fmt.Println("main end")''')
        self.assertIn("[0 1 2 3 4 5 6 7 8 9]\n", cell.stdout)
        self.assertIn("[0 -1 -2 -3 -4 -5 -6 -7 -8 -9]\nmain end\n", cell.stdout)
        self.assertTrue(self.child_lines(cell.stdout)[-1].endswith(" number = 20"), cell.stdout)

    # Refused targets and faults.

    def test_closure_refused(self):
        self.ok(IMPORTS)
        cell = self.ok('''x := 3
work := func() { fmt.Println(x) }
fmt.Println(mp.NewProcess(work).Start())''')
        self.assertIn("cannot run", cell.stdout)
        self.assertIn("top level of a cell", cell.stdout)

    def test_panicking_child(self):
        self.ok(IMPORTS)
        cell = self.ok('''func boom() { panic("boom in the child") }

p := mp.NewProcess(boom)
p.Start()
fmt.Println("join:", p.Join())
fmt.Println("exit code:", p.ExitCode())''')
        self.assertIn("boom in the child", cell.stderr)
        self.assertIn("exit code: 1", cell.stdout)

    def test_killed_while_holding_lock(self):
        self.ok(IMPORTS)
        cell = self.ok('''func holder(lock *mp.Lock) {
	lock.Lock()
	fmt.Println("holder has the lock")
	time.Sleep(time.Hour)
}

func next(lock *mp.Lock) {
	lock.Lock()
	fmt.Println("next got the lock; previous owner died:", lock.OwnerDied())
	lock.Unlock()
}

lock := mp.NewLock()
h := mp.NewProcess(holder, lock)
h.Start()
for lock.Owner() == 0 {
	time.Sleep(10 * time.Millisecond)
}
h.Kill()
fmt.Println("holder:", h.Join(), h.ExitCode())
n := mp.NewProcess(next, lock)
n.Start()
n.Join()''')
        self.assertIn("holder: ", cell.stdout)
        self.assertIn(" -9\n", cell.stdout)
        self.assertIn("next got the lock; previous owner died: true", cell.stdout)

    def test_interrupt(self):
        self.ok(IMPORTS)
        self.ok('''func sleeper() {
	fmt.Println("sleeping")
	time.Sleep(time.Hour)
}''')
        sent = []

        def on_output(cell):
            m = re.search(r"pid (\d+)", cell.stdout)
            if m and "sleeping" in cell.stdout and not sent:
                sent.append(int(m.group(1)))
                self.km.interrupt_kernel()

        cell = self.run_cell('''p := mp.NewProcess(sleeper)
p.Start()
fmt.Println("pid", p.Pid())
p.Join()''', on_output=on_output)
        self.assertTrue(sent, "the child never printed")
        self.assertEqual(cell.reply["content"]["status"], "error")
        self.assertIn("stopped Process-", cell.stderr + str(cell.error))
        self.assertEqual(wait_gone(sent), [], "the interrupted cell's child is still running")
        # The kernel lives on with its state, and processes still work.
        cell = self.ok('''func hello() { fmt.Println("hello from a child") }

q := mp.NewProcess(hello)
q.Start()''')
        self.assertEqual(cell.stdout, "hello from a child\n")

    def test_daemon_output_reaches_its_cell(self):
        self.ok(IMPORTS)
        msgs = []
        self.ok('''func late() {
	time.Sleep(500 * time.Millisecond)
	fmt.Println("daemon done")
}''')
        first = self.kc.execute('''p := mp.NewProcess(late)
p.SetDaemon(true)
p.Start()
fmt.Println("cell end")''')
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=1)
            except Exception:
                continue
            msgs.append(msg)
            if msg["msg_type"] == "stream" and "daemon done" in msg["content"]["text"]:
                break
        streams = [(m["parent_header"].get("msg_id"), m["content"]["text"]) for m in msgs if m["msg_type"] == "stream"]
        self.assertIn((first, "cell end\n"), streams)
        self.assertIn((first, "daemon done\n"), streams, "the daemon's output must carry its cell's parent header")
        idle = [i for i, m in enumerate(msgs) if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
                and m["parent_header"].get("msg_id") == first]
        done = [i for i, m in enumerate(msgs) if m["msg_type"] == "stream" and "daemon done" in m["content"]["text"]]
        self.assertTrue(idle and done and idle[0] < done[0], "the cell must not wait for its daemon")

    def start_sleeping_daemon(self):
        """Start a daemon child that sleeps for an hour; return the kernel's descendants."""
        self.ok(IMPORTS)
        self.ok('''func sleeper() { time.Sleep(time.Hour) }

p := mp.NewProcess(sleeper)
p.SetDaemon(true)
p.Start()''')
        before = descendants(self.kernel_pid)
        self.assertTrue(before, "no child process")
        return before

    def test_restart_leaves_nothing(self):
        before = self.start_sleeping_daemon()
        self.km.restart_kernel(now=False)
        self.assertEqual(wait_gone(before), [], "children left after restart")
        self.kc.wait_for_ready(timeout=120)
        self.kernel_pid = self.km.provisioner.process.pid

    def test_killed_kernel_takes_children(self):
        before = self.start_sleeping_daemon()
        os.kill(self.kernel_pid, signal.SIGKILL)
        self.assertEqual(wait_gone(before), [], "children left after the kernel was killed")


if __name__ == "__main__":
    unittest.main()
