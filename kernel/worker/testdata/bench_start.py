"""Time from Process.start() until the target runs, for Python's start
methods, as kernel/worker's BenchmarkStart measures gopherlab's.

    /usr/bin/python3 bench_start.py METHOD N

prints the median, mean and minimum in nanoseconds over N starts. The
target sets an Event first thing; the time is taken from just before
start() to the parent seeing the Event. One start before measuring warms up
(forkserver starts its server then).
"""

import multiprocessing as mp
import statistics
import sys
import time


def target(ev):
    ev.set()


def once(ctx):
    ev = ctx.Event()
    p = ctx.Process(target=target, args=(ev,))
    t0 = time.perf_counter_ns()
    p.start()
    ev.wait()
    t = time.perf_counter_ns() - t0
    p.join()
    return t


def main():
    method, n = sys.argv[1], int(sys.argv[2])
    ctx = mp.get_context(method)
    once(ctx)
    times = [once(ctx) for _ in range(n)]
    print(int(statistics.median(times)), int(statistics.mean(times)), min(times))


if __name__ == "__main__":
    main()
