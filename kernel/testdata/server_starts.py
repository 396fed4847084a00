"""Start the gopherlab kernel many times under a real Jupyter server and count
the starts whose first kernel_info_request goes unanswered.

Debian's jupyter-server (1.23) runs as a subprocess. Each start is what a
browser does when it opens a notebook: POST /api/kernels, open the kernel's
websocket (the server sends its own kernel_info_request on a transient shell
connection and nudges the kernel with more on other transient connections
before it accepts the websocket), send a kernel_info_request through the
websocket, wait for the reply, then DELETE the kernel. The kernel's log (its
standard error, which the server passes on) is searched for lines saying a
send failed.

The gopherlab kernelspec must be findable by Jupyter (set JUPYTER_PATH).
Usage:

    JUPYTER_PATH=PREFIX/share/jupyter /usr/bin/python3 server_starts.py [--starts N] [--timeout S]
        [--server jupyter_server|notebook] [--delay S] [--restarts N] [--kernel NAME]

(--help says more).

It prints one line of figures, e.g.

    starts 300 unanswered 0 send-errors 0 reply-median-ms 41.2 reply-max-ms 95.0

and exits 1 when any start went unanswered or the kernel logged a failed
send, 0 otherwise.
"""

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

from tornado import websocket


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A jupyter-server subprocess with its own runtime and config dirs."""

    def __init__(self, kernel, module, extra_args=(), keep_log=None):
        extra_args = list(extra_args)
        self.keep_log = keep_log
        self.kernel = kernel
        app = "NotebookApp" if module == "notebook" else "ServerApp"
        self.dir = tempfile.mkdtemp(prefix="gl-starts-")
        self.port = free_port()
        self.token = uuid.uuid4().hex
        self.log_path = os.path.join(self.dir, "server.log")
        env = dict(os.environ)
        env.update({
            "JUPYTER_RUNTIME_DIR": os.path.join(self.dir, "runtime"),
            "JUPYTER_CONFIG_DIR": os.path.join(self.dir, "config"),
            "JUPYTER_DATA_DIR": os.path.join(self.dir, "data"),
            "IPYTHONDIR": os.path.join(self.dir, "ipython"),
        })
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-m", module, "--no-browser",
             "--%s.port=%d" % (app, self.port), "--%s.port_retries=0" % app,
             "--%s.ip=127.0.0.1" % app, "--allow-root", "--%s.token=%s" % (app, self.token),
             "--%s.%s=%s" % (app, "notebook_dir" if app == "NotebookApp" else "root_dir", self.dir)] + extra_args,
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.base = "http://127.0.0.1:%d" % self.port
        deadline = time.time() + 60
        while True:
            try:
                self.api("GET", "/api/status")
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise SystemExit("jupyter server did not start; log:\n" + self.read_log())
                time.sleep(0.2)

    def api(self, method, path, body=None, timeout=60):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Authorization": "token " + self.token,
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read()
        return json.loads(text) if text else None

    def read_log(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        if self.keep_log:
            shutil.copy(self.log_path, self.keep_log)
        shutil.rmtree(self.dir, ignore_errors=True)


async def kernel_info_over_ws(srv, kernel_id, timeout):
    """Opens the kernel's websocket, sends kernel_info_request and returns
    the seconds until its reply, or None when none came within timeout."""
    session = uuid.uuid4().hex
    url = "ws://127.0.0.1:%d/api/kernels/%s/channels?session_id=%s&token=%s" % (
        srv.port, kernel_id, session, srv.token)
    t0 = time.monotonic()
    ws = await websocket.websocket_connect(url, connect_timeout=timeout)
    try:
        msg_id = uuid.uuid4().hex
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "kernel_info_request", "username": "t",
                       "session": session, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell", "buffers": []}))
        while True:
            left = timeout - (time.monotonic() - t0)
            if left <= 0:
                return None
            try:
                raw = await asyncio.wait_for(ws.read_message(), left)
            except asyncio.TimeoutError:
                return None
            if raw is None:
                return None
            m = json.loads(raw)
            if m.get("channel") == "shell" and m["parent_header"].get("msg_id") == msg_id:
                return time.monotonic() - t0
    finally:
        ws.close()
        try:  # let tornado's reader see the close
            while await asyncio.wait_for(ws.read_message(), 5) is not None:
                pass
        except asyncio.TimeoutError:
            pass


SEND_ERROR = re.compile(r"gopherlab: .*(send [a-z_]+|zmq): .*")


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=300)
    ap.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for the kernel_info_reply")
    ap.add_argument("--kernel", default="gopherlab")
    ap.add_argument("--server", default="jupyter_server", choices=["jupyter_server", "notebook"],
                    help="which Jupyter server runs the kernels: jupyter-server 1.23 or classic Notebook 6.4")
    ap.add_argument("--server-arg", action="append", default=[], help="an argument for the server (e.g. --debug)")
    ap.add_argument("--keep-log", help="copy the server's log (with the kernels' standard error) to this file")
    ap.add_argument("--restarts", type=int, default=0, help="restart each kernel this many times (POST .../restart waits for a kernel_info_reply)")
    ap.add_argument("--slow", type=float, default=1.0, help="report starts answered after more than this many seconds")
    ap.add_argument("--delay", type=float, default=0.0,
                    help="wait up to this many seconds (uniformly at random) between starting the kernel and opening its websocket")
    args = ap.parse_args()

    srv = Server(args.kernel, args.server, args.server_arg, args.keep_log)
    unanswered = 0
    times = []
    try:
        for i in range(args.starts):
            k = srv.api("POST", "/api/kernels", {"name": args.kernel})
            if args.delay:
                await asyncio.sleep(random.uniform(0, args.delay))
            try:
                dt = await kernel_info_over_ws(srv, k["id"], args.timeout)
            except Exception as e:  # the websocket itself failed
                print("start %d: %s: %s" % (i, type(e).__name__, e), file=sys.stderr)
                dt = None
            if dt is None:
                unanswered += 1
                print("start %d: no kernel_info_reply within %.0f s" % (i, args.timeout), file=sys.stderr)
            else:
                times.append(dt)
                if dt > args.slow:
                    print("start %d: kernel %s answered after %.0f ms" % (i, k["id"], dt * 1000), file=sys.stderr)
            for j in range(args.restarts):
                t0 = time.monotonic()
                try:
                    await asyncio.get_running_loop().run_in_executor(
                        None, lambda: srv.api("POST", "/api/kernels/%s/restart" % k["id"], timeout=args.timeout))
                    dt = time.monotonic() - t0
                except Exception as e:
                    print("start %d restart %d: %s: %s" % (i, j, type(e).__name__, e), file=sys.stderr)
                    dt = None
                if dt is None:
                    unanswered += 1
                else:
                    times.append(dt)
                    if dt > args.slow:
                        print("start %d restart %d: kernel %s answered after %.0f ms" % (i, j, k["id"], dt * 1000), file=sys.stderr)
            srv.api("DELETE", "/api/kernels/" + k["id"])
        log = srv.read_log()
    finally:
        srv.close()
    errors = [line for line in log.splitlines() if SEND_ERROR.search(line)]
    for line in errors[:20]:
        print("kernel log: " + line, file=sys.stderr)
    med = statistics.median(times) * 1000 if times else float("nan")
    mx = max(times) * 1000 if times else float("nan")
    print("starts %d unanswered %d send-errors %d reply-median-ms %.1f reply-max-ms %.1f" % (
        args.starts, unanswered, len(errors), med, mx))
    sys.exit(1 if unanswered or errors else 0)


if __name__ == "__main__":
    asyncio.run(main())
