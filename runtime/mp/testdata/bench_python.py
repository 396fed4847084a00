"""Python multiprocessing figures to compare with runtime/mp's benchmarks.

Run by bench.sh (or alone: /usr/bin/python3 bench_python.py [scale]). Prints
one line per figure, "name value unit", matching the Go benchmarks:

  lock_ns            Lock acquire+release loop, ns per pair   (BenchmarkLockUnlock)
  value_add_ops      two processes incrementing a Value under
                     its lock, increments per second          (BenchmarkValueAddLocked2Proc)
  start_<method>_ms  Process.start() until the target runs    (BenchmarkProcessStart)
  negate_ms          negating a 1,000,000-element Array('i')
                     in a child: the loop alone                (BenchmarkArrayNegate1M negate-ms)
  negate_total_ms    the same with start and join              (BenchmarkArrayNegate1M ns/op)
"""
import multiprocessing as mp
import sys
import time


def lock_ns(n):
    lock = mp.Lock()
    t0 = time.perf_counter_ns()
    for _ in range(n):
        lock.acquire()
        lock.release()
    return (time.perf_counter_ns() - t0) / n


def add_locked(v, n):
    for _ in range(n):
        with v.get_lock():
            v.value += 1


def value_add_ops(n):
    v = mp.Value('i', 0)
    ps = [mp.Process(target=add_locked, args=(v, n)) for _ in range(2)]
    t0 = time.perf_counter()
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    elapsed = time.perf_counter() - t0
    assert v.value == 2 * n, v.value
    return 2 * n / elapsed


def mark(t):
    t.value = time.monotonic_ns()


def start_ms(method, n):
    ctx = mp.get_context(method)
    t = ctx.Value('q', 0, lock=False)
    total = 0
    for _ in range(n):
        p = ctx.Process(target=mark, args=(t,))
        t0 = time.monotonic_ns()
        p.start()
        p.join()
        total += t.value - t0
        if method == 'forkserver':
            time.sleep(0.01)  # as the Go benchmark, let the server be ready
    return total / n / 1e6


def change(arr, ns):
    t0 = time.perf_counter_ns()
    for i in range(len(arr)):
        arr[i] = -arr[i]
    ns.value = time.perf_counter_ns() - t0


def negate_ms(n):
    arr = mp.Array('i', range(1000000))
    ns = mp.Value('q', 0)
    loop = total = 0
    for _ in range(n):
        t0 = time.perf_counter_ns()
        p = mp.Process(target=change, args=(arr, ns))
        p.start()
        p.join()
        total += time.perf_counter_ns() - t0
        loop += ns.value
    return loop / n / 1e6, total / n / 1e6


if __name__ == '__main__':
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    print('lock_ns %.1f ns/op' % lock_ns(int(1000000 * scale)), flush=True)
    print('value_add_ops %.0f ops/s' % value_add_ops(int(100000 * scale)), flush=True)
    for method in ('fork', 'forkserver', 'spawn'):
        print('start_%s_ms %.3f ms' % (method, start_ms(method, max(3, int(20 * scale)))), flush=True)
    loop, total = negate_ms(max(1, int(3 * scale)))
    print('negate_ms %.2f ms' % loop, flush=True)
    print('negate_total_ms %.2f ms' % total, flush=True)
