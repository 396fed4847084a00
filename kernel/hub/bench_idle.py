#!/usr/bin/python3
"""What a kernel left open costs, and what a process start from a cell costs
before and after the kernel went idle: gopherlab with a worker policy
(GOPHERLAB_WORKERS) against ipykernel, through jupyter_client.

For each kernel: run a lesson's cells (gopherlab) or a multiprocessing
program (ipykernel), then time process starts from a cell with think time
between (workers warm), measure the kernel and its children (PSS, threads),
wait past the policy's idle time, measure again, and time the first start
after each idle release (the worker has to start). Starts are timed in the
kernel: Process.Start (gopherlab, until the target runs) and
multiprocessing's Process.start() with the fork method (Python).

  JUPYTER_PATH=PREFIX/share/jupyter kernel/hub/bench_idle.py [--workers ready=2,idle=5s] [--samples 10]
"""

import argparse
import os
import re
import statistics
import sys
import time

import nbformat
from jupyter_client.manager import start_new_kernel

HERE = os.path.dirname(os.path.abspath(__file__))

# The probe the load test times: an empty function declared in a cell,
# started and joined from the next (the script's directory is on sys.path).
from loadtest import PROBE_CELL as GO_START, PROBE_DECL as GO_DECL  # noqa: E402

PY_DECL = """import multiprocessing as mp, time
mp.set_start_method("fork", force=True)
def gl_probe(): pass"""
PY_START = """gl_t0 = time.perf_counter()
gl_p = mp.Process(target=gl_probe)
gl_p.start()
gl_d = time.perf_counter() - gl_t0
gl_p.join()
print("start-us", int(gl_d * 1e6))"""


def tree(pid):
    out = [pid]
    try:
        for t in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, t)) as f:
                for c in f.read().split():
                    out += tree(int(c))
    except OSError:
        pass
    return out


def usage(pid):
    """Processes, PSS and anonymous memory (MiB) and threads of pid and its
    descendants. Anonymous memory is a process's own; PSS adds its share of
    the pages of the binary and libraries, which many kernels share."""
    pss = anon = threads = 0
    procs = tree(pid)
    for p in procs:
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for l in f:
                    if l.startswith("Pss:"):
                        pss += int(l.split()[1])
                    elif l.startswith("Anonymous:"):
                        anon += int(l.split()[1])
            threads += len(os.listdir("/proc/%d/task" % p))
        except OSError:
            pass
    return len(procs), pss / 1024, anon / 1024, threads


def run(kc, code):
    outs = []
    reply = kc.execute_interactive(code, output_hook=outs.append, timeout=120)
    text = "".join(m["content"].get("text", "") for m in outs if m["msg_type"] == "stream")
    if reply["content"]["status"] != "ok":
        err = [m["content"] for m in outs if m["msg_type"] == "error"]
        raise RuntimeError("cell failed: %s\n%s" % (code[:60], err))
    return text


def start_us(kc, code):
    m = re.search(r"start-us (\d+)", run(kc, code))
    if not m:
        raise RuntimeError("no start time")
    return int(m.group(1)) / 1e3


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def measure(name, kernel, setup, decl, start, args, idle):
    km, kc = start_new_kernel(kernel_name=kernel)
    pid = km.provisioner.process.pid
    try:
        for code in setup:
            run(kc, code)
        run(kc, decl)
        warm = []
        for _ in range(args.samples):
            time.sleep(0.5)
            warm.append(start_us(kc, start))
        time.sleep(1)
        busy = usage(pid)
        cold, idle_use = [], None
        if idle:
            for _ in range(args.idle_samples):
                time.sleep(idle + 2)
                if idle_use is None:
                    idle_use = usage(pid)
                cold.append(start_us(kc, start))
        return {"name": name, "warm": warm, "cold": cold, "busy": busy, "idle": idle_use}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", default="ready=2,idle=5s", help="GOPHERLAB_WORKERS for the gopherlab kernel")
    ap.add_argument("--lesson", default=os.path.join(HERE, "..", "..", "lessons", "05-shared-value.ipynb"))
    ap.add_argument("--samples", type=int, default=10, help="starts timed with workers warm")
    ap.add_argument("--idle-samples", type=int, default=5, help="starts timed right after an idle release")
    args = ap.parse_args()
    m = re.search(r"idle=([0-9.]+)(ms|s|m)", args.workers)
    idle = float(m.group(1)) * {"ms": 1e-3, "s": 1, "m": 60}[m.group(2)] if m else 0
    os.environ["GOPHERLAB_WORKERS"] = args.workers
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel's debugger warnings

    nb = nbformat.read(args.lesson, as_version=4)
    lesson = [c.source for c in nb.cells if c.cell_type == "code"]
    rows = [measure("gopherlab (%s)" % args.workers, "gopherlab", lesson, GO_DECL, GO_START, args, idle)]
    try:
        rows.append(measure("ipykernel, multiprocessing fork", "python3", [], PY_DECL, PY_START, args, 0))
    except Exception as e:
        print("ipykernel: %s" % e, file=sys.stderr)

    print("%-34s %-26s %s" % ("kernel", "process start from a cell", "kernel and its children: processes, PSS, anonymous, threads"))
    for r in rows:
        b, i = r["busy"], r["idle"]
        print("%-34s %-26s %s" % (r["name"], "warm: %.2f ms (%d)" % (med(r["warm"]), len(r["warm"])),
                                  "after the cells: %d, %.1f MiB, %.1f MiB, %d" % b))
        if i:
            print("%-34s %-26s %s" % ("", "after idle: %.2f ms (%d)" % (med(r["cold"]), len(r["cold"])),
                                      "idle: %d, %.1f MiB, %.1f MiB, %d" % i))


if __name__ == "__main__":
    main()
