"""runtime/mp from notebook cells, against Python's multiprocessing from
ipykernel cells, in the same run, through the real kernels (jupyter_client).

    ./install.sh --prefix /tmp/gl
    JUPYTER_PATH=/tmp/gl/share/jupyter /usr/bin/python3 runtime/mp/testdata/bench_cells.py [--runs N] [--only ROW,...] [--workers compiled|interpreted]

Each row runs the same program in both kernels: a setup cell, then the
measured cell --runs times (the median is printed; the first run, which for
gopherlab may include starting a worker, is counted like the others unless
the row says "warm"). Every figure is timed inside the cell (time.Now in Go,
time.perf_counter in Python), so the kernels' messaging is not counted. The
rows, and issue 14's targets on the development machine:

  negate     a child negates a 1,000,000-element Array("i") with Load/Store,
             start..join (ms)                                 target: 50x Python
  valueadd   two children increment a Value under its lock (ops/s)
                                                              target: 10x Python
  cpu        a CPU-bound top-level function through Pool.Map, pool of
             --cores workers: time per task (ms)              target: 20x Python
  scale      the same with N = 1..cores workers, tasks of ~20 ms in a worker:
             throughput relative to one worker (each kernel
             against itself)                                  target: 0.8*N
  trivial    Pool.Map of 1,000 trivial tasks on a warm pool of --cores
             workers: time per task (us)                      target: <= Python
  warmup     Pool of 16 from creation until a Map of 16 trivial tasks
             returned, then Close (ms; a Map uses the workers as they
             come up, so it may return before all 16 are)      target: <= Python
  warmall    the same with 16 tasks of 100 ms, less 100 ms: until all 16
             workers were up and had run a task (ms)          target: <= Python
  lock       Lock+Unlock in a cell loop, 2,000,000 times (ns a pair;
             Python: `with lock: pass`); also by the kernel
             process's CPU time                               target: <= Python

The ratio column says how many times better gopherlab is (>1: faster); a
target missed is marked. The exit status is 0 even when targets are
missed: the script reports, it does not judge the machine.
"""

import argparse
import os
import re
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

GO_SETUP = '''import (
	"fmt"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)'''

PY_SETUP = '''import multiprocessing as mp
import time'''

# Each row: setup cells and the measured cell for each kernel. A measured
# cell prints lines "@key value".
ROWS = {
    "negate": {
        "go_setup": ['''func negate(arr *mp.Array) {
	n := arr.Len()
	for i := 0; i < n; i++ {
		arr.Store(i, -arr.Load(i))
	}
}

// negateOnce runs negate in a child and returns start..join in ms.
func negateOnce(arr *mp.Array) float64 {
	before := arr.Load(999999)
	t0 := time.Now()
	p := mp.NewProcess(negate, arr)
	if err := p.Start(); err != nil {
		panic(err)
	}
	if err := p.Join(); err != nil {
		panic(err)
	}
	el := time.Since(t0)
	if arr.Load(999999) != -before {
		panic("not negated")
	}
	return el.Seconds() * 1e3
}

var arr *mp.Array'''],
        "go": '''if arr == nil {
	ints := make([]int, 1000000)
	for i := range ints {
		ints[i] = i
	}
	arr = mp.NewArray("i", ints)
}
fmt.Println("@value", negateOnce(arr))''',
        "py_setup": ['''def negate(arr):
    for i in range(len(arr)):
        arr[i] = -arr[i]
arr = mp.Array('i', range(1000000))'''],
        "py": '''before = arr[999999]
t0 = time.perf_counter()
p = mp.Process(target=negate, args=(arr,))
p.start()
p.join()
el = time.perf_counter() - t0
assert arr[999999] == -before
print("@value", el * 1e3)''',
        "unit": "ms", "higher": False, "target": 50,
    },
    "valueadd": {
        "go_setup": ['''func addLocked(v *mp.Value, n int) {
	for i := 0; i < n; i++ {
		v.GetLock().Lock()
		v.Store(v.Load() + 1)
		v.GetLock().Unlock()
	}
}

// addTwice runs addLocked in two children and returns increments a second.
func addTwice(adds int) float64 {
	v := mp.NewValue("i", 0)
	p1, p2 := mp.NewProcess(addLocked, v, adds), mp.NewProcess(addLocked, v, adds)
	t0 := time.Now()
	if err := p1.Start(); err != nil {
		panic(err)
	}
	if err := p2.Start(); err != nil {
		panic(err)
	}
	p1.Join()
	p2.Join()
	el := time.Since(t0)
	if v.Load() != 2*adds {
		panic(fmt.Sprint("lost increments: ", v.Load()))
	}
	return float64(2*adds) / el.Seconds()
}'''],
        "go": '''fmt.Println("@value", addTwice(200000))''',
        "py_setup": ['''def add_locked(v, n):
    for _ in range(n):
        with v.get_lock():
            v.value += 1
adds = 200000'''],
        "py": '''v = mp.Value('i', 0)
ps = [mp.Process(target=add_locked, args=(v, adds)) for _ in range(2)]
t0 = time.perf_counter()
for p in ps:
    p.start()
for p in ps:
    p.join()
el = time.perf_counter() - t0
assert v.value == 2 * adds, v.value
print("@value", 2 * adds / el)''',
        "unit": "ops/s", "higher": True, "target": 10,
    },
    "cpu": {
        "go_setup": ['''func burn(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i % 7
	}
	return s
}

// burnEach maps burn over 4*CORES tasks and returns ms a task.
func burnEach(pool *mp.Pool) float64 {
	work := make([]int, 4*CORES)
	for i := range work {
		work[i] = 300000
	}
	t0 := time.Now()
	res, err := pool.Map(burn, work)
	el := time.Since(t0)
	if err != nil || len(res) != len(work) {
		panic(fmt.Sprint(err))
	}
	return el.Seconds() * 1e3 / float64(len(work))
}

var cpuPool = mp.NewPool(CORES)

burnEach(cpuPool) // warm: the workers start'''],
        "go": '''fmt.Println("@value", burnEach(cpuPool))''',
        "py_setup": ['''def burn(n):
    s = 0
    for i in range(n):
        s += i % 7
    return s
cpu_pool = mp.Pool(CORES)
work = [300000] * (4 * CORES)
cpu_pool.map(burn, work)'''],
        "py": '''t0 = time.perf_counter()
res = cpu_pool.map(burn, work)
el = time.perf_counter() - t0
assert len(res) == len(work)
print("@value", el * 1e3 / len(work))''',
        "unit": "ms/task", "higher": False, "target": 20,
    },
    "scale": {
        "go_setup": ['''func burnS(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i % 7
	}
	return s
}

// burnTimed returns how long burnS(n) takes in the worker, in ns.
func burnTimed(n int) int64 {
	t0 := time.Now()
	burnS(n)
	return time.Since(t0).Nanoseconds()
}

// scaleRun returns the tasks a second of burnS through a pool of n
// workers, each task sized to take about 20 ms in a worker (compiled or
// interpreted alike).
func scaleRun(n int) float64 {
	pool := mp.NewPool(n)
	defer pool.Close()
	size := 300000
	for {
		var ns []int64
		if err := pool.MapInto(burnTimed, []int{size}, &ns); err != nil {
			panic(err)
		}
		if ns[0] > 5e6 {
			size = int(float64(size) * 20e6 / float64(ns[0]))
			break
		}
		size *= 4
	}
	items := make([]int, 4*CORES)
	for i := range items {
		items[i] = size
	}
	if _, err := pool.Map(burnS, items[:n]); err != nil {
		panic(err)
	}
	t0 := time.Now()
	if _, err := pool.Map(burnS, items); err != nil {
		panic(err)
	}
	return float64(len(items)) / time.Since(t0).Seconds()
}'''],
        "go": '''for n := 1; n <= CORES; n++ {
	fmt.Println("@n", n, scaleRun(n))
}''',
        "py_setup": ['''def burn_s(n):
    s = 0
    for i in range(n):
        s += i % 7
    return s

def burn_timed(n):
    t0 = time.perf_counter()
    burn_s(n)
    return time.perf_counter() - t0

def scale_run(n):
    with mp.Pool(n) as pool:
        size = 300000
        while True:  # each task about 20 ms in a worker
            el = pool.map(burn_timed, [size])[0]
            if el > 0.005:
                size = int(size * 0.02 / el)
                break
            size *= 4
        items = [size] * (4 * CORES)
        pool.map(burn_s, items[:n])
        t0 = time.perf_counter()
        pool.map(burn_s, items)
        return len(items) / (time.perf_counter() - t0)'''],
        "py": '''for n in range(1, CORES + 1):
    print("@n", n, scale_run(n))''',
        "unit": "x one worker", "higher": True, "target": None,
    },
    "trivial": {
        "go_setup": ['''func ident(x int) int { return x }

// mapTrivial maps ident over 1000 items and returns us a task.
func mapTrivial(pool *mp.Pool) float64 {
	xs := make([]int, 1000)
	for i := range xs {
		xs[i] = i
	}
	t0 := time.Now()
	got, err := pool.Map(ident, xs)
	el := time.Since(t0)
	if err != nil || len(got) != len(xs) || got[999] != 999 {
		panic(fmt.Sprint("Map: ", err))
	}
	return el.Seconds() * 1e6 / float64(len(xs))
}

var trivPool = mp.NewPool(CORES)

mapTrivial(trivPool) // warm: the workers start'''],
        "go": '''fmt.Println("@value", mapTrivial(trivPool))''',
        "py_setup": ['''def ident(x):
    return x
triv_pool = mp.Pool(CORES)
xs = list(range(1000))
triv_pool.map(ident, xs)'''],
        "py": '''t0 = time.perf_counter()
got = triv_pool.map(ident, xs)
el = time.perf_counter() - t0
assert got[999] == 999
print("@value", el * 1e6 / len(xs))''',
        "unit": "us/task", "higher": False, "target": 1,
    },
    "warmup": {
        "go_setup": ['''func ident16(x int) int { return x }

// warm16 returns ms from NewPool(16) until a Map of 16 trivial tasks
// returned; Close is not timed.
func warm16() float64 {
	xs16 := make([]int, 16)
	for i := range xs16 {
		xs16[i] = i
	}
	t0 := time.Now()
	pool16 := mp.NewPool(16)
	if _, err := pool16.Map(ident16, xs16); err != nil {
		panic(err)
	}
	el := time.Since(t0)
	pool16.Close()
	return el.Seconds() * 1e3
}'''],
        "go": '''fmt.Println("@value", warm16())''',
        "py_setup": ['''def ident16(x):
    return x'''],
        "py": '''t0 = time.perf_counter()
pool16 = mp.Pool(16)
pool16.map(ident16, range(16))
el = time.perf_counter() - t0
pool16.close()
pool16.join()
print("@value", el * 1e3)''',
        "unit": "ms", "higher": False, "target": 1,
    },
    "warmall": {
        "go_setup": ['''func nap(ms int) int {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return ms
}

// warmAll returns ms from NewPool(16) until a Map of 16 tasks of 100 ms
// returned, less 100 ms: until all 16 workers were up and had run one.
func warmAll() float64 {
	xs := make([]int, 16)
	for i := range xs {
		xs[i] = 100
	}
	t0 := time.Now()
	pool := mp.NewPool(16)
	if _, err := pool.Map(nap, xs); err != nil {
		panic(err)
	}
	el := time.Since(t0)
	pool.Close()
	return el.Seconds()*1e3 - 100
}'''],
        "go": '''fmt.Println("@value", warmAll())''',
        "py_setup": ['''def nap(ms):
    time.sleep(ms / 1000)
    return ms'''],
        "py": '''t0 = time.perf_counter()
pool16 = mp.Pool(16)
pool16.map(nap, [100] * 16)
el = time.perf_counter() - t0
pool16.close()
pool16.join()
print("@value", el * 1e3 - 100)''',
        "unit": "ms", "higher": False, "target": 1,
    },
    "lock": {
        "go_setup": ['''import (
	"os"
	"strconv"
	"strings"
)

// cpuTime returns the CPU time this process has used, in nanoseconds, from
// /proc/self/stat (clock ticks of 10 ms: the loop runs long enough).
func cpuTime() int64 {
	data, _ := os.ReadFile("/proc/self/stat")
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return (u + s) * 10000000
}

var lock = mp.NewLock()'''],
        "go": '''c0 := cpuTime()
t0 := time.Now()
for i := 0; i < 2000000; i++ {
	lock.Lock()
	lock.Unlock()
}
fmt.Println("@value", float64(time.Since(t0).Nanoseconds())/2e6)
fmt.Println("@cpu", float64(cpuTime()-c0)/2e6)''',
        "py_setup": ['''lock = mp.Lock()'''],
        "py": '''c0 = time.process_time()
t0 = time.perf_counter()
for i in range(2000000):
    with lock:
        pass
print("@value", (time.perf_counter() - t0) * 1e9 / 2e6)
print("@cpu", (time.process_time() - c0) * 1e9 / 2e6)''',
        "unit": "ns", "higher": False, "target": 1,
    },
}

ORDER = ["lock", "trivial", "warmup", "warmall", "cpu", "scale", "negate", "valueadd"]


class Kernel:
    def __init__(self, name, env=None):
        self.name = name
        self.km = KernelManager(kernel_name=name)
        if env:
            e = dict(os.environ)
            e.update(env)
            self.km.start_kernel(env=e)
        else:
            self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)

    def run(self, code, timeout=600):
        """Execute code and return its standard output; raise on error."""
        out, errs = [], []

        def hook(msg):
            t = msg["msg_type"]
            if t == "stream":
                (out if msg["content"]["name"] == "stdout" else errs).append(msg["content"]["text"])
            elif t == "error":
                errs.append("%s: %s" % (msg["content"]["ename"], msg["content"]["evalue"]))
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=hook, allow_stdin=False)
        if reply["content"]["status"] != "ok":
            raise RuntimeError("%s cell failed:\n%s\n---\n%s" % (self.name, code, "".join(errs)))
        if errs:
            sys.stderr.write("%s stderr: %s\n" % (self.name, "".join(errs)))
        return "".join(out)

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def values(text, key):
    return [line.split()[1:] for line in text.splitlines() if line.startswith("@" + key + " ")]


class Row:
    """One row of the table: its cells for one kernel, set up once, then
    measured run by run."""

    def __init__(self, k, row, lang, cores, go_map):
        self.k, self.lang = k, lang
        sub = lambda s: s.replace("CORES", str(cores)).replace(".Map(", "." + go_map + "(")
        self.code = sub(row[lang])
        for cell in row[lang + "_setup"]:
            k.run(sub(cell))

    def once(self):
        """Run the measured cell: a value, or {N: value} for the scaling row."""
        text = self.k.run(self.code)
        if "@n" in self.code:
            return {int(n): float(v) for n, v in values(text, "n")}
        got = values(text, "value")[0]
        cpu = values(text, "cpu")
        return float(got[0]), (float(cpu[0][0]) if cpu else None)


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cores", type=int, default=os.cpu_count())
    ap.add_argument("--only", default=",".join(ORDER))
    ap.add_argument("--map", default="Map", help="the Pool method gopherlab's rows call (MapInts: as before Map took []int)")
    ap.add_argument("--workers", choices=("default", "compiled", "interpreted"), default="default",
                    help="gopherlab's children: as the kernel chooses (compiled once built), compiled (every Start "
                         "waits for the build: GOPHERLAB_COMPILED_WORKERS=wait), or interpreted (=0)")
    args = ap.parse_args()
    rows = args.only.split(",")
    kernels = {}
    try:
        env = {"compiled": {"GOPHERLAB_COMPILED_WORKERS": "wait"},
               "interpreted": {"GOPHERLAB_COMPILED_WORKERS": "0"}}.get(args.workers)
        kernels["go"] = Kernel("gopherlab", env)
        kernels["py"] = Kernel("python3")
        for k, setup in (("go", GO_SETUP), ("py", PY_SETUP)):
            kernels[k].run(setup)
        print("cores %d, runs %d (alternating gopherlab and Python), gopherlab's workers %s, load average at start %s" % (
            args.cores, args.runs, args.workers, loadavg()))
        print("%-10s %14s %14s %-12s %9s %s" % ("row", "gopherlab", "Python", "unit", "ratio", "target"))
        for name in rows:
            row = ROWS[name]
            res = {"go": [], "py": []}
            try:
                runners = {lang: Row(kernels[lang], row, lang, args.cores, args.map) for lang in ("go", "py")}
                for _ in range(args.runs if name != "scale" else max(1, args.runs // 2)):
                    for lang in ("go", "py"):
                        res[lang].append(runners[lang].once())
            except Exception as e:  # report and go on with the other rows
                sys.stderr.write("%s: %s\n" % (name, e))
                print("%-10s failed (see stderr)" % name)
                continue
            if name == "scale":
                for lang in ("go", "py"):
                    for n in sorted(res[lang][0]):
                        rate = statistics.median(r[n] for r in res[lang])
                        one = statistics.median(r[1] for r in res[lang])
                        rel = rate / one
                        mark = "" if lang == "py" else ("ok" if rel >= 0.8 * n else "MISSED") + " (>= %.1f)" % (0.8 * n)
                        print("%-10s %-9s N=%d %10.1f tasks/s  %5.2f x one worker %s" % (
                            name, "gopherlab" if lang == "go" else "Python", n, rate, rel, mark))
                sys.stdout.flush()
                continue
            g = statistics.median(v for v, _ in res["go"])
            p = statistics.median(v for v, _ in res["py"])
            ratio = g / p if row["higher"] else p / g
            target = row["target"]
            mark = ""
            if target:
                mark = ("ok" if ratio >= target else "MISSED") + " (>= %gx)" % target
            print("%-10s %14.4g %14.4g %-12s %8.2fx %s" % (name, g, p, row["unit"], ratio, mark))
            if res["go"][0][1] is not None and res["py"][0][1] is not None:
                gc = statistics.median(c for _, c in res["go"])
                pc = statistics.median(c for _, c in res["py"])
                print("%-10s %14.4g %14.4g %-12s %8.2fx (the kernel process's CPU time, less sensitive to load)" % (
                    "  cpu", gc, pc, row["unit"], pc / gc))
            sys.stdout.flush()
        print("load average at end %s" % loadavg())
    finally:
        for k in kernels.values():
            k.close()


if __name__ == "__main__":
    main()
