"""Time from Process.start() until the target runs, for Python's start
methods, as kernel/worker's BenchmarkStart measures gopherlab's.

    /usr/bin/python3 bench_start.py METHOD N [PAYLOAD]

prints the median, mean and minimum in nanoseconds over N starts. The
target sets an Event first thing; the time is taken from just before
start() to the parent seeing the Event. One start before measuring warms up
(forkserver starts its server then). PAYLOAD "globals10" makes the target
use ten small module globals set after import, "slice10MB" a 10 MB array
of doubles, as BenchmarkStart's globals10 and slice10MB do (with "fork",
the child sees them as they are at start()).
"""

import array
import multiprocessing as mp
import statistics
import sys
import time

G = [None] * 10
BIG = None


def target(ev):
    ev.set()


def target_globals(ev):
    _ = (G[0], G[1], G[2], G[3], G[4], G[5], G[6], G[7], G[8], G[9])
    ev.set()


def target_big(ev):
    _ = BIG[0]
    ev.set()


def once(ctx, fn=target):
    ev = ctx.Event()
    p = ctx.Process(target=fn, args=(ev,))
    t0 = time.perf_counter_ns()
    p.start()
    ev.wait()
    t = time.perf_counter_ns() - t0
    p.join()
    return t


def main():
    global BIG
    method, n = sys.argv[1], int(sys.argv[2])
    payload = sys.argv[3] if len(sys.argv) > 3 else ""
    fn = target
    if payload == "globals10":
        G[:] = [1, 2, 3, "limit", "level", [1, 2, 3, 4, 5], {"a": 1, "b": 2}, (1, 2, "p"), 2.5, mp.Lock()]
        fn = target_globals
    elif payload == "slice10MB":
        BIG = array.array("d", range(10 * 2**20 // 8))
        fn = target_big
    ctx = mp.get_context(method)
    once(ctx, fn)
    times = [once(ctx, fn) for _ in range(n)]
    print(int(statistics.median(times)), int(statistics.mean(times)), min(times))


if __name__ == "__main__":
    main()
