"""Compare two builds of gopherlab, side by side, through jupyter_client.

    /usr/bin/python3 kernel/testdata/bench_versions.py --base PREFIX_A --new PREFIX_B [--rounds 5] [--runs 200]

Each PREFIX is where install.sh --prefix put a build (PREFIX/share/jupyter/kernels/gopherlab). In each
round, the two builds run alternately (which goes first alternates too), each in a fresh kernel:
  start    start_kernel() until the first kernel_info_reply
  execute  a trivial cell (a := 1), sent until idle: the median of --runs, after 2 s of warm-up;
           also the kernel process's CPU time a cell (user + system, all its threads, from /proc),
           which the machine's load moves much less than wall time
  lines    a cell printing 100,000 lines, sent until idle (every line checked), and its CPU time
It prints each figure's median over the rounds, its range, and new/base.
"""

import argparse
import os
import statistics
import sys
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_kernels import KERNELS, Client, ready, run_cell, wait_kernel_info  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def one(prefix, runs):
    ksm = KernelSpecManager(kernel_dirs=[os.path.join(prefix, "share", "jupyter", "kernels")])
    km = KernelManager(kernel_name="gopherlab", kernel_spec_manager=ksm)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    start = wait_kernel_info(kc) - t0
    kc.stop_channels()
    pid = km.provisioner.process.pid
    spec = KERNELS["gopherlab"]
    c = Client(km)
    ready(c)
    run_cell(c, spec["setup"])
    t_end = time.perf_counter() + 2
    n = 0
    while n < 20 or time.perf_counter() < t_end:
        run_cell(c, spec["trivial"])
        n += 1
    c0 = cpu_seconds(pid)
    ex = [run_cell(c, spec["trivial"])[0] for _ in range(runs)]
    ex_cpu = (cpu_seconds(pid) - c0) / runs
    c0 = cpu_seconds(pid)
    lt, text = run_cell(c, spec["lines"])
    lines_cpu = cpu_seconds(pid) - c0
    got = text.split("\n")
    if got and got[-1] == "":
        got.pop()
    if got != [str(i) for i in range(100000)]:
        raise RuntimeError("%s: lines lost or out of order (%d received)" % (prefix, len(got)))
    c.close()
    km.shutdown_kernel(now=True)
    return {"start": start, "execute": statistics.median(ex), "execute CPU": ex_cpu,
            "lines": lt, "lines CPU": lines_cpu}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=200)
    a = ap.parse_args()
    res = {"base": [], "new": []}
    for r in range(a.rounds):
        order = ["base", "new"] if r % 2 == 0 else ["new", "base"]
        for which in order:
            res[which].append(one(getattr(a, which), a.runs))
        print("round %d done (load average %.1f)" % (r + 1, os.getloadavg()[0]), file=sys.stderr)
    print("%-12s %24s %24s %8s" % ("", "base " + a.base, "new " + a.new, "new/base"))
    for key, unit, scale in [("start", "ms", 1e3), ("execute", "ms", 1e3), ("execute CPU", "ms", 1e3),
                             ("lines", "ms", 1e3), ("lines CPU", "ms", 1e3)]:
        b = [x[key] * scale for x in res["base"]]
        n = [x[key] * scale for x in res["new"]]
        fmt = lambda v: "%.3g %s (%.3g-%.3g)" % (statistics.median(v), unit, min(v), max(v))
        print("%-12s %24s %24s %8.3f" % (key, fmt(b), fmt(n), statistics.median(n) / statistics.median(b)))


if __name__ == "__main__":
    main()
