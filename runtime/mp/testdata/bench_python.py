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
  pool_map_<n>_us    pool.map of n trivial tasks on a warm Pool(2),
                     time a task                               (BenchmarkPoolMap/<n> us/task)
  pool_apply_us      apply_async of a trivial task, 100 at a
                     time, then get: time a task               (BenchmarkPoolApplyAsync)
  pool_warm16_ms     Pool(16) until a map of 16 trivial tasks
                     returned                                  (BenchmarkPoolWarm)
  pool_warm16_all_ms the same with 16 tasks of 100 ms, less
                     100 ms: every worker up                   (BenchmarkPoolWarmAll)
  pool_scale_<w>     tasks/s of a CPU-bound function through
                     map with w workers                        (BenchmarkPoolScale/<w>)
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


def identity(x):
    return x


def burn(n):
    s = 0
    for i in range(n):
        s += i % 7
    return s


def pool_map_us(n, reps):
    with mp.Pool(2) as pool:
        items = list(range(n))
        pool.map(identity, items)
        t0 = time.perf_counter()
        for _ in range(reps):
            res = pool.map(identity, items)
        el = time.perf_counter() - t0
        assert res[-1] == n - 1
    return el / reps / n * 1e6


def pool_apply_us(reps):
    with mp.Pool(2) as pool:
        pool.apply(identity, (1,))
        t0 = time.perf_counter()
        for _ in range(reps):
            rs = [pool.apply_async(identity, (i,)) for i in range(100)]
            for i, r in enumerate(rs):
                assert r.get() == i
        el = time.perf_counter() - t0
    return el / reps / 100 * 1e6


def pool_warm16_ms(reps):
    total = 0
    for _ in range(reps):
        t0 = time.perf_counter()
        pool = mp.Pool(16)
        pool.map(identity, range(16))
        total += time.perf_counter() - t0
        pool.close()
        pool.join()
    return total / reps * 1e3


def nap(ms):
    time.sleep(ms / 1000)
    return ms


def pool_warm16_all_ms(reps):
    total = 0
    for _ in range(reps):
        t0 = time.perf_counter()
        pool = mp.Pool(16)
        pool.map(nap, [100] * 16)
        total += time.perf_counter() - t0 - 0.1
        pool.close()
        pool.join()
    return total / reps * 1e3


def pool_scale(workers, reps):
    n = 1 << 14
    while True:  # calibrate the task to about 5 ms, as the Go benchmark
        t0 = time.perf_counter()
        burn(n)
        d = time.perf_counter() - t0
        if d > 0.002:
            n = int(n * 0.005 / d)
            break
        n *= 2
    with mp.Pool(workers) as pool:
        items = [n] * (8 * workers)
        pool.map(burn, items[:workers])
        t0 = time.perf_counter()
        for _ in range(reps):
            pool.map(burn, items)
        return reps * len(items) / (time.perf_counter() - t0)


if __name__ == '__main__':
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    print('lock_ns %.1f ns/op' % lock_ns(int(1000000 * scale)), flush=True)
    print('value_add_ops %.0f ops/s' % value_add_ops(int(100000 * scale)), flush=True)
    for method in ('fork', 'forkserver', 'spawn'):
        print('start_%s_ms %.3f ms' % (method, start_ms(method, max(3, int(20 * scale)))), flush=True)
    loop, total = negate_ms(max(1, int(3 * scale)))
    print('negate_ms %.2f ms' % loop, flush=True)
    print('negate_total_ms %.2f ms' % total, flush=True)
    for n in (64, 1000):
        print('pool_map_%d_us %.3f us/task' % (n, pool_map_us(n, max(3, int(200 * scale * 64 / n)))), flush=True)
    print('pool_apply_us %.2f us/task' % pool_apply_us(max(3, int(20 * scale))), flush=True)
    print('pool_warm16_ms %.2f ms' % pool_warm16_ms(max(3, int(10 * scale))), flush=True)
    print('pool_warm16_all_ms %.2f ms' % pool_warm16_all_ms(max(3, int(5 * scale))), flush=True)
    for w in range(1, mp.cpu_count() + 1):
        print('pool_scale_%d %.1f tasks/s' % (w, pool_scale(w, max(2, int(5 * scale)))), flush=True)
