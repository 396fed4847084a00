"""Benchmark gopherlab against ipykernel, side by side, through jupyter_client.

    JUPYTER_PATH=PREFIX/share/jupyter /usr/bin/python3 kernel/testdata/bench_kernels.py [--runs N]

For each kernel (gopherlab, then the python3 kernelspec, ipykernel) it measures:
  start    KernelManager.start_kernel() until the first kernel_info_reply
           (median of --starts runs)
  execute  a trivial cell, execute_request sent until status idle
           (median of --runs runs, after 2 s of warm-up)
  lines    a cell printing 100,000 lines, sent until idle; every line
           received is counted and checked
and prints a table with the ratios gopherlab/ipykernel and the targets:
start <= 1/13, execute <= 1/4, lines <= 1/2 with none lost. The exit status is
1 when a target is missed or a line is lost.
"""

import argparse
import os
import statistics
import sys
import time

import zmq
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

KERNELS = {
    "gopherlab": {
        "trivial": "a := 1",
        "setup": 'import "fmt"',
        "lines": "for i := 0; i < 100000; i++ { fmt.Println(i) }",
    },
    "python3": {
        "trivial": "a = 1",
        "setup": "pass",
        "lines": "for i in range(100000): print(i)",
    },
}


def wait_kernel_info(kc, timeout=30):
    """Send kernel_info_request until a reply arrives; return its time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg_id = kc.kernel_info()
        try:
            while True:
                reply = kc.get_shell_msg(timeout=0.5)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return time.perf_counter()
        except Exception:
            continue
    raise RuntimeError("no kernel_info_reply")


def start_once(name):
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    t1 = wait_kernel_info(kc)
    return t1 - t0, km, kc


class Client:
    """Plain synchronous sockets and a jupyter_client Session: the least
    client overhead, so that the kernels' own costs show."""

    def __init__(self, km):
        info = km.get_connection_info(session=False)
        self.session = Session(key=info["key"], signature_scheme=info["signature_scheme"])
        ctx = zmq.Context.instance()
        url = lambda port: ("tcp://%s:%d" % (info["ip"], port)) if info["transport"] == "tcp" else (
            "ipc://%s-%d" % (info["ip"], port))
        self.shell = ctx.socket(zmq.DEALER)
        self.shell.setsockopt(zmq.IDENTITY, self.session.bsession)
        self.shell.connect(url(info["shell_port"]))
        self.iopub = ctx.socket(zmq.SUB)
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.iopub.connect(url(info["iopub_port"]))

    def recv(self, sock, timeout):
        if not sock.poll(timeout * 1000):
            raise TimeoutError("no message within %ss" % timeout)
        _, msg = self.session.recv(sock, mode=0)
        return msg

    def request(self, msg_type, content):
        return self.session.send(self.shell, msg_type, content)["header"]["msg_id"]

    def close(self):
        self.shell.close(linger=0)
        self.iopub.close(linger=0)


def run_cell(c, code, timeout=120):
    """Execute code; return (seconds from send to idle, stdout text)."""
    t0 = time.perf_counter()
    msg_id = c.request("execute_request", {
        "code": code, "silent": False, "store_history": False, "user_expressions": {},
        "allow_stdin": False, "stop_on_error": True})
    out = []
    while True:
        msg = c.recv(c.iopub, timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t = msg["msg_type"]
        if t == "stream" and msg["content"]["name"] == "stdout":
            out.append(msg["content"]["text"])
        elif t == "error":
            raise RuntimeError("cell failed: %s" % msg["content"])
        elif t == "status" and msg["content"]["execution_state"] == "idle":
            elapsed = time.perf_counter() - t0
            c.recv(c.shell, timeout)  # the execute_reply
            return elapsed, "".join(out)


def ready(c):
    """Wait until IOPub delivers (the subscription is in place)."""
    for _ in range(50):
        msg_id = c.request("kernel_info_request", {})
        c.recv(c.shell, 10)
        try:
            while True:
                m = c.recv(c.iopub, 0.2)
                if m["parent_header"].get("msg_id") == msg_id and m["content"].get("execution_state") == "idle":
                    return
        except TimeoutError:
            pass
    raise RuntimeError("IOPub never delivered")


def bench(name, starts, runs):
    spec = KERNELS[name]
    times = []
    for i in range(starts):
        t, km, kc = start_once(name)
        times.append(t)
        if i < starts - 1:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    kc.stop_channels()
    c = Client(km)
    ready(c)
    run_cell(c, spec["setup"])
    # Warm up: 20 cells, and 2 seconds at least. After its first cell
    # gopherlab loads the standard library's type information in the
    # background (for checking cells), which takes a few hundred ms of CPU
    # and would otherwise be measured as part of the first cells.
    t_end = time.perf_counter() + float(os.environ.get("WARM", "2"))
    n = 0
    while n < 20 or time.perf_counter() < t_end:
        run_cell(c, spec["trivial"])
        n += 1
    ex = [run_cell(c, spec["trivial"])[0] for _ in range(runs)]
    lt, text = run_cell(c, spec["lines"])
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    ok = lines == [str(i) for i in range(100000)]
    c.close()
    km.shutdown_kernel(now=True)
    return {
        "starts": times,
        "start": statistics.median(times),
        "execute": statistics.median(ex),
        "lines": lt,
        "received": len(lines),
        "ok": ok,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()
    res = {name: bench(name, args.starts, args.runs) for name in ("gopherlab", "python3")}
    g, p = res["gopherlab"], res["python3"]
    print("%-10s %14s %14s %8s %8s" % ("", "gopherlab", "ipykernel", "ratio", "target"))
    failed = False
    for key, target in (("start", 1 / 13), ("execute", 1 / 4), ("lines", 1 / 2)):
        ratio = g[key] / p[key]
        miss = ratio > target
        failed |= miss
        print("%-10s %12.2fms %12.2fms %8.3f %8.3f %s" % (
            key, g[key] * 1e3, p[key] * 1e3, ratio, target, "MISSED" if miss else "ok"))
    for name in ("gopherlab", "python3"):
        print("%-10s starts (ms): %s" % (name, " ".join("%.0f" % (t * 1e3) for t in res[name]["starts"])))
    for name in ("gopherlab", "python3"):
        r = res[name]
        print("%-10s received %d of 100000 lines, %s" % (name, r["received"], "all in order" if r["ok"] else "LOST OR WRONG"))
        failed |= not r["ok"] and name == "gopherlab"
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
