#!/usr/bin/python3
"""A class on the gopherlab hub: learners log in, run lessons, log out.

Drives a running hub (run-hub.sh) as a class would, over loopback: through
the hub's REST API each learner is created, their server started and a token
issued to them; then, as the browser does, for each lesson the learner opens
the notebook (contents API: is it trusted?), starts a kernel (sessions API)
and runs every code cell over the kernel's websocket, with think time
between cells, checks what the lesson prints (a "✓" line, no "✗", no error
outside cells tagged raises-exception), times a few trivial cells and
process starts from a cell, closes the websocket and leaves the kernel
running, as learners do. When every learner is done it measures the
processes of all learners (PSS, threads), waits --idle-wait seconds and
measures again, then logs everyone out (stops their servers, deletes them)
and looks for anything left: processes, kernel files in the runtime
directories, shared memory in /dev/shm.

Run it as the user running the hub (or root): it reads /proc of the
learners' processes. Exit status 0 when every check passed and nothing was
left, 1 otherwise.

  loadtest.py --hub http://127.0.0.1:8000 --token-file TOKEN --state STATE \\
      --learners 60 --over 60 --lessons 02,03,04,05,06,07

With --start-hub it starts a hub of its own for the test (run-hub.sh, demo
accounts, loopback) and stops it after; --runs N runs the class N times,
each a first login. The figures of the README:

  kernel/hub/loadtest.py --start-hub --runs 5 --learners 60 --over 60 \\
      --lessons 02,03,04,05,06,07 --idle-wait 40

With --server URL it runs the lessons as one learner on a server already
running (the container image's, say) and prints the checks and timings.
"""

import argparse
import asyncio
import datetime
import glob
import json
import os
import random
import re
import statistics
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

TRIVIAL_CELL = "1 + 1"
PROBE_DECL = """import (
	"fmt"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

func glProbe() {}"""
PROBE_CELL = """glT0 := time.Now()
glP := mp.NewProcess(glProbe)
glP.Start()
glD := time.Since(glT0)
glP.Join()
fmt.Println("start-us", glD.Microseconds())"""


class Failure(Exception):
    pass


def now():
    return time.monotonic()


class Stats:
    def __init__(self):
        self.checks = []  # (learner, lesson, ok, why)
        self.trivial = []  # seconds
        self.trivial_at = []  # when each was timed, seconds since the class began
        self.ready_at = []  # when each learner's server was ready, likewise
        self.t0 = now()
        self.starts = []  # seconds, measured in the kernel
        self.spawn = []  # seconds from the start request to a ready server
        self.errors = []

    def check(self, learner, lesson, ok, why=""):
        self.checks.append((learner, lesson, ok, why))
        if not ok:
            print("✗ %s %s: %s" % (learner, lesson, why), flush=True)


class Hub:
    def __init__(self, url, token):
        self.url = url.rstrip("/")
        self.token = token
        self.http = AsyncHTTPClient(max_clients=1000)

    async def api(self, method, path, body=None, token=None, ok=(200, 201, 202, 204), timeout=300):
        headers = {"Authorization": "token " + (token or self.token)}
        if body is not None:
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        elif method in ("POST", "PUT", "PATCH"):
            body = ""
        req = HTTPRequest(self.url + path, method=method, headers=headers, body=body,
                          request_timeout=timeout, connect_timeout=timeout)
        try:
            resp = await self.http.fetch(req, raise_error=False)
        except Exception as e:
            raise Failure("%s %s: %s" % (method, path, e))
        if resp.code not in ok:
            raise Failure("%s %s: %s %s" % (method, path, resp.code, (resp.body or b"")[:300].decode("utf-8", "replace")))
        if resp.body:
            try:
                return resp.code, json.loads(resp.body)
            except ValueError:
                return resp.code, resp.body
        return resp.code, None


    async def wait_ready(self, name, timeout):
        """Follows the spawn's progress events, as the browser's spawn page
        does, until the server is ready; a Failure if it failed."""
        buf, last = b"", {}

        def on_chunk(chunk):
            nonlocal buf
            buf += chunk
            while b"\n\n" in buf:
                event, buf = buf.split(b"\n\n", 1)
                for line in event.split(b"\n"):
                    if line.startswith(b"data:"):
                        try:
                            last.update(json.loads(line[5:]))
                        except ValueError:
                            pass

        req = HTTPRequest(self.url + "/hub/api/users/%s/server/progress" % name,
                          headers={"Authorization": "token " + self.token, "Accept": "text/event-stream"},
                          streaming_callback=on_chunk, request_timeout=timeout, connect_timeout=timeout)
        try:
            await self.http.fetch(req, raise_error=False)
        except Exception as e:
            raise Failure("spawn progress: %s" % e)
        if last.get("failed") or not last.get("ready"):
            raise Failure("the server did not start: %s" % (last.get("message") or last or "no progress"))


def message(msg_type, content, session, channel="shell"):
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "username": "learner",
            "session": session,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": channel,
        "buffers": [],
    }


class Kernel:
    """A kernel's websocket, as the Notebook's page uses it."""

    def __init__(self, ws, session):
        self.ws = ws
        self.session = session

    async def request(self, msg_type, content, timeout, idle=True):
        """Sends a shell request; returns the reply's content and the IOPub
        messages for it, once both the reply and (with idle) the idle status
        came."""
        msg = message(msg_type, content, self.session)
        mid = msg["header"]["msg_id"]
        await self.ws.write_message(json.dumps(msg))
        reply, outputs, idle = None, [], not idle
        deadline = now() + timeout
        while reply is None or not idle:
            left = deadline - now()
            if left <= 0:
                raise Failure("%s: no %s within %ds" % (msg_type, "reply" if reply is None else "idle status", timeout))
            try:
                raw = await asyncio.wait_for(self.ws.read_message(), left)
            except asyncio.TimeoutError:
                raise Failure("%s: no %s within %ds (%d outputs so far)" % (
                    msg_type, "reply" if reply is None else "idle status", timeout, len(outputs)))
            if raw is None:
                raise Failure("%s: the websocket closed" % msg_type)
            m = json.loads(raw)
            if m.get("parent_header", {}).get("msg_id") != mid:
                continue
            if m["channel"] == "shell":
                reply = m["content"]
            elif m["channel"] == "iopub":
                t = m["header"]["msg_type"]
                if t == "status":
                    idle = m["content"]["execution_state"] == "idle"
                else:
                    outputs.append(m)
            elif m["channel"] == "stdin":
                raise Failure("the kernel asked for input")
        return reply, outputs


def text_of(outputs):
    out = []
    for m in outputs:
        t, c = m["header"]["msg_type"], m["content"]
        if t == "stream":
            out.append(c["text"])
        elif t in ("execute_result", "display_data"):
            out.append(c.get("data", {}).get("text/plain", ""))
        elif t == "error":
            out.append("%s: %s\n" % (c.get("ename"), c.get("evalue")))
    return "".join(out)


async def think(args):
    await asyncio.sleep(args.think * random.uniform(0.5, 1.5))


async def lesson(hub, args, stats, name, token, lesson_path):
    """Opens one lesson as a learner does and runs its cells; the kernel is
    left running."""
    base = "/user/%s" % name if name else ""
    _, model = await hub.api("GET", "%s/api/contents/%s?content=1" % (base, lesson_path), token=token)
    code = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
    if not all(c.get("metadata", {}).get("trusted") for c in code):
        raise Failure("not trusted: its outputs would not render")
    _, sess = await hub.api("POST", "%s/api/sessions" % base, token=token, body={
        "path": lesson_path, "name": os.path.basename(lesson_path), "type": "notebook",
        "kernel": {"name": "gopherlab"}})
    kid = sess["kernel"]["id"]
    session = uuid.uuid4().hex
    ws_url = hub.url.replace("http", "ws", 1) + "%s/api/kernels/%s/channels?session_id=%s" % (base, kid, session)
    ws = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": "token " + token},
                                             connect_timeout=300, request_timeout=300),
                                 max_message_size=64 << 20)
    k = Kernel(ws, session)
    try:
        # As the Notebook's page does: the reply only. The Notebook server
        # forwards requests before it knows the websocket's IOPub
        # subscription is in place, so this request's status messages may
        # be lost; the cells' are not.
        await k.request("kernel_info_request", {}, 300, idle=False)
        seen_ok = False
        for cell in code:
            await think(args)
            reply, outputs = await k.request("execute_request", {
                "code": cell["source"], "silent": False, "store_history": True,
                "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}, 300)
            text = text_of(outputs)
            expect_error = "raises-exception" in cell.get("metadata", {}).get("tags", [])
            if reply.get("status") != "ok" and not expect_error:
                raise Failure("cell failed: %s" % text.strip()[-300:])
            for line in text.splitlines():
                if "✗" in line:
                    raise Failure("the lesson's check failed: %s" % line.strip()[:200])
                if "✓" in line:
                    seen_ok = True
        if not seen_ok:
            raise Failure("no ✓ line")
        # Timings, with think time between, as a learner's next cells.
        await k.request("execute_request", {"code": PROBE_DECL, "silent": False}, 300)
        for _ in range(args.samples):
            await think(args)
            t0 = now()
            reply, outputs = await k.request("execute_request", {"code": TRIVIAL_CELL, "silent": False}, 300)
            stats.trivial.append(now() - t0)
            stats.trivial_at.append(t0 - stats.t0)
            if reply.get("status") != "ok" or "2" not in text_of(outputs):
                raise Failure("trivial cell: %s" % text_of(outputs).strip()[:200])
            await think(args)
            reply, outputs = await k.request("execute_request", {"code": PROBE_CELL, "silent": False}, 300)
            m = re.search(r"start-us (\d+)", text_of(outputs))
            if reply.get("status") != "ok" or not m:
                raise Failure("process start: %s" % text_of(outputs).strip()[:200])
            stats.starts.append(int(m.group(1)) / 1e6)
    finally:
        ws.close()


async def learner(hub, args, stats, i, name, lessons, arrive):
    await asyncio.sleep(max(0, arrive - now()))
    try:
        await hub.api("POST", "/hub/api/users/%s" % name, ok=(201, 409))
        t0 = now()
        await hub.api("POST", "/hub/api/users/%s/server" % name, ok=(201, 202, 400))
        await hub.wait_ready(name, args.spawn_timeout)
        stats.spawn.append(now() - t0)
        stats.ready_at.append(now() - stats.t0)
        _, tok = await hub.api("POST", "/hub/api/users/%s/tokens" % name, body={"note": "loadtest"})
        token = tok["token"]
    except Failure as e:
        for l in lessons:
            stats.check(name, l, False, "login: %s" % e)
        return
    for l in lessons:
        try:
            await lesson(hub, args, stats, name, token, "lessons/%s" % l)
            stats.check(name, l, True)
        except (Failure, asyncio.TimeoutError, OSError) as e:
            stats.check(name, l, False, str(e) or type(e).__name__)
        except Exception as e:  # a websocket error, say
            stats.check(name, l, False, "%s: %s" % (type(e).__name__, e))


async def logout(hub, name, timeout):
    await hub.api("DELETE", "/hub/api/users/%s/server" % name, ok=(202, 204, 400, 404))
    t0 = now()
    while now() - t0 < timeout:
        code, u = await hub.api("GET", "/hub/api/users/%s" % name, ok=(200, 404))
        if code == 404 or not u.get("servers"):
            break
        await asyncio.sleep(0.5)
    await hub.api("DELETE", "/hub/api/users/%s" % name, ok=(204, 404))


# Processes: the learners' are those whose environment says
# JUPYTERHUB_USER=<learner> (servers, kernels, workers, and any orphan).


def proc_env(pid):
    try:
        with open("/proc/%s/environ" % pid, "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def learner_procs(names):
    want = {("JUPYTERHUB_USER=" + n).encode(): n for n in names}
    found = {}
    for d in glob.glob("/proc/[0-9]*"):
        pid = int(d[6:])
        for kv in proc_env(pid):
            if kv.startswith(b"JUPYTERHUB_USER=") and kv in want:
                found[pid] = want[kv]
                break
    return found


def cpu_seconds(pid):
    """Processor time of pid and of its children that have exited (the
    workers and go commands a kernel reaped), in seconds."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def proc_stat(pid):
    """PSS in KiB, threads, command name."""
    pss = threads = 0
    comm = "?"
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                    break
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("Threads:"):
                    threads = int(line.split()[1])
                elif line.startswith("Name:"):
                    comm = line.split()[1]
    except OSError:
        pass
    return pss, threads, comm


def hub_pids(state):
    pids = []
    for f in ("jupyterhub.pid", "jupyterhub-proxy.pid"):
        try:
            with open(os.path.join(state, f)) as fh:
                pids.append(int(fh.read().strip()))
        except (OSError, ValueError):
            pass
    return pids


def kernel_transport(pid):
    """The transport of a gopherlab kernel's connection file, or None for
    another process."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            argv = f.read().split(b"\0")
        if len(argv) < 3 or argv[1] != b"kernel":
            return None
        with open(argv[2]) as f:
            return json.load(f).get("transport")
    except (OSError, ValueError):
        return "?"


def priority(pid):
    """A process's priority as "S/T": the nice value of its session
    (autogroup; "-" without) and those of its threads (one value, or
    several joined by commas; ":policyN" after one with a scheduling
    policy other than SCHED_OTHER)."""
    session = "-"
    try:
        with open("/proc/%d/autogroup" % pid) as f:
            session = f.read().split()[-1]
    except (OSError, IndexError):
        pass
    nices = set()
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                # The nice value, and the policy unless SCHED_OTHER.
                nices.add(fields[16] + ("" if fields[38] == "0" else ":policy" + fields[38]))
            except (OSError, ValueError, IndexError):
                pass
    except OSError:
        pass
    return "%s/%s" % (session, ",".join(sorted(nices)))


def measure(names, state):
    """The learners' processes: PSS of all and of the gopherlab ones (the
    kernels and their workers), threads, and the kernels' transports."""
    procs = learner_procs(names)
    pss = pss_go = threads = kernels = ipc = 0
    cpu = 0.0
    kinds = {}
    kernel_threads = {}  # threads of a kernel -> kernels
    server_nice = {}  # "session nice/threads' nice" of a server -> servers
    uids = set()
    for pid in procs:
        cpu += cpu_seconds(pid)
        try:
            uids.add(os.stat("/proc/%d" % pid).st_uid)
        except OSError:
            pass
        p, t, comm = proc_stat(pid)
        pss += p
        threads += t
        kinds[comm] = kinds.get(comm, 0) + 1
        if comm == "python3":
            pr = priority(pid)
            server_nice[pr] = server_nice.get(pr, 0) + 1
        if comm == "gopherlab":
            pss_go += p
            tr = kernel_transport(pid)
            if tr is not None:
                kernels += 1
                kernel_threads[t] = kernel_threads.get(t, 0) + 1
                ipc += tr == "ipc"
    hub_threads = sum(proc_stat(pid)[1] for pid in hub_pids(state))
    n = max(1, len(names))
    return {
        "processes": len(procs),
        "kinds": kinds,
        "kernel_threads": dict(sorted(kernel_threads.items())),
        "server_nice": server_nice,
        "kernels": kernels,
        "kernels_ipc": ipc,
        "pss_mib_per_learner": pss_go / 1024 / n,
        "pss_mib_per_learner_with_server": pss / 1024 / n,
        "threads_learners": threads,
        "threads_all": threads + hub_threads,
        "cpu_s_per_learner": cpu / n,
        "uids": len(uids),
    }


def runtime_dirs(names):
    """The runtime directories of the learners' servers (from their
    environment), to look in after logout."""
    dirs = set()
    for pid in learner_procs(names):
        for kv in proc_env(pid):
            if kv.startswith(b"JUPYTER_RUNTIME_DIR="):
                dirs.add(kv.split(b"=", 1)[1].decode())
    return dirs


def logins_split(stats):
    """The trivial cells' p95 while learners were still logging in (before
    the last server was ready) and after, and the cells timed in each
    10 s of the class: where the slow ones were."""
    end = max(stats.ready_at) if stats.ready_at else 0
    during = [d for d, t in zip(stats.trivial, stats.trivial_at) if t < end]
    after = [d for d, t in zip(stats.trivial, stats.trivial_at) if t >= end]
    buckets = {}
    for d, t in zip(stats.trivial, stats.trivial_at):
        buckets.setdefault(int(t // 10) * 10, []).append(d)
    def ms(xs, p):  # NaN without samples (None in the JSON: no_nan)
        return round(pct(xs, p) * 1e3, 1)

    return {
        "logins_end_s": round(end, 1),
        "trivial_ms_p95_logins": ms(during, 95),
        "trivial_samples_logins": len(during),
        "trivial_ms_p95_after": ms(after, 95),
        "trivial_samples_after": len(after),
        "trivial_by_10s": {k: [len(v), ms(v, 50), ms(v, 95)] for k, v in sorted(buckets.items())},
    }


def no_nan(v):
    """v with None for NaN (a figure without samples): JSON has no NaN."""
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, dict):
        return {k: no_nan(x) for k, x in v.items()}
    if isinstance(v, list):
        return [no_nan(x) for x in v]
    return v


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


async def one_server(args):
    """--server: one learner on a server already running (the container
    image's, say): the lessons' checks and timings only."""
    hub = Hub(args.server, args.server_token)
    stats = Stats()
    for l in args.lessons.split(","):
        matches = sorted(glob.glob(os.path.join(args.lessons_dir, l + "*.ipynb")))
        name = os.path.basename(matches[0]) if matches else l
        try:
            await lesson(hub, args, stats, "", args.server_token, "lessons/%s" % name)
            stats.check("learner", name, True)
        except Exception as e:
            stats.check("learner", name, False, "%s: %s" % (type(e).__name__, e))
    ok = sum(1 for c in stats.checks if c[2])
    mark = "✓" if ok == len(stats.checks) else "✗"
    print("checks          %s %d/%d" % (mark, ok, len(stats.checks)))
    print("trivial cell    p50 %.1f ms, p95 %.1f ms (%d cells)" % (pct(stats.trivial, 50) * 1e3, pct(stats.trivial, 95) * 1e3, len(stats.trivial)))
    print("process start   p50 %.1f ms, p95 %.1f ms from a cell (%d starts)" % (pct(stats.starts, 50) * 1e3, pct(stats.starts, 95) * 1e3, len(stats.starts)), flush=True)
    return 0 if ok == len(stats.checks) else 1


async def run(args):
    token = open(args.token_file).read().strip()
    hub = Hub(args.hub, token)
    lessons = []
    for l in args.lessons.split(","):
        matches = sorted(glob.glob(os.path.join(args.lessons_dir, l + "*.ipynb")))
        if not matches:
            sys.exit("loadtest: no lesson %s in %s" % (l, args.lessons_dir))
        lessons.append(os.path.basename(matches[0]))
    names = ["%s%02d" % (args.prefix, i + 1) for i in range(args.learners)]
    stats = Stats()
    shm_before = set(os.listdir("/dev/shm"))
    t0 = stats.t0 = now()
    step = args.over / max(1, args.learners - 1) if args.learners > 1 else 0
    tasks = [learner(hub, args, stats, i, n, lessons, t0 + i * step) for i, n in enumerate(names)]
    dirs = set()

    async def watch_dirs():
        while True:
            dirs.update(runtime_dirs(names))
            await asyncio.sleep(5)

    watcher = asyncio.ensure_future(watch_dirs())
    await asyncio.gather(*tasks)
    done = now() - t0
    dirs.update(runtime_dirs(names))
    watcher.cancel()
    at_end = measure(names, args.state)
    after_idle = None
    if args.idle_wait > 0:
        await asyncio.sleep(args.idle_wait)
        after_idle = measure(names, args.state)
    t1 = now()
    await asyncio.gather(*[logout(hub, n, 120) for n in names])
    logout_s = now() - t1
    # What is left: processes, kernel files, shared memory.
    left = {}
    for _ in range(20):
        left = learner_procs(names)
        if not left:
            break
        await asyncio.sleep(0.5)
    left_files = []
    for d in sorted(dirs):
        if os.path.isdir(d):
            left_files += [os.path.join(d, f) for f in os.listdir(d)]
    left_shm = sorted(set(os.listdir("/dev/shm")) - shm_before)
    ok = sum(1 for c in stats.checks if c[2])
    summary = {
        "learners": args.learners,
        "over_s": args.over,
        "lessons": lessons,
        "checks_ok": ok,
        "checks": len(stats.checks),
        "run_s": round(done, 1),
        "spawn_p50_s": round(pct(stats.spawn, 50), 2),
        "spawn_max_s": round(max(stats.spawn), 2) if stats.spawn else None,
        "trivial_ms_p50": round(pct(stats.trivial, 50) * 1e3, 1),
        "trivial_ms_p95": round(pct(stats.trivial, 95) * 1e3, 1),
        "trivial_samples": len(stats.trivial),
        **logins_split(stats),
        "start_ms_p50": round(pct(stats.starts, 50) * 1e3, 1),
        "start_ms_p95": round(pct(stats.starts, 95) * 1e3, 1),
        "start_samples": len(stats.starts),
        "at_end": at_end,
        "after_idle": after_idle,
        "idle_wait_s": args.idle_wait,
        "logout_s": round(logout_s, 1),
        "left_processes": ["%d %s (%s)" % (pid, proc_stat(pid)[2], n) for pid, n in sorted(left.items())],
        "left_files": left_files,
        "left_shm": left_shm,
    }
    summary["good"] = ok == len(stats.checks) and not left and not left_files and not left_shm
    summary["loadavg"] = loadavg()
    print_summary(summary)
    return summary


def loadavg():
    """The machine's load average over the last minute, as the run ends:
    what else ran meanwhile."""
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError):
        return None


class StartedHub:
    """--start-hub: run-hub.sh on loopback, on ports of its own, in a
    temporary directory removed afterwards; with --accounts unix, the
    learners are Unix users it creates (useradd) and removes (userdel)."""

    def __init__(self, args):
        import shutil
        import socket
        import subprocess
        import tempfile

        self.dir = tempfile.mkdtemp(prefix="gopherlab-hub-")
        self.users = []
        if args.accounts == "unix":
            # The learners read and run gopherlab in the prefix under it.
            os.chmod(self.dir, 0o755)
            for n in ["%s%02d" % (args.prefix, i + 1) for i in range(args.learners)]:
                r = subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", n], capture_output=True, text=True)
                if r.returncode != 0:
                    self.remove_users()
                    sys.exit("loadtest: useradd %s: %s" % (n, r.stderr.strip()))
                self.users.append(n)
        ports = []
        socks = []
        for _ in range(3):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
        for s in socks:
            s.close()
        self.state = os.path.join(self.dir, "state")
        self.token_file = os.path.join(self.dir, "token")
        self.url = "http://127.0.0.1:%d" % ports[0]
        self.log = os.path.join(self.dir, "hub.log")
        gocache = args.gocache
        if not gocache and args.accounts == "demo":
            # Demo learners run as we do: they can use our (warm) cache.
            gocache = subprocess.run(["go", "env", "GOCACHE"], capture_output=True, text=True).stdout.strip()
        cmd = [os.path.join(HERE, "run-hub.sh"), "--accounts", args.accounts,
               "--ip", "127.0.0.1", "--port", str(ports[0]), "--hub-port", str(ports[1]),
               "--proxy-api-port", str(ports[2]), "--state", self.state, "--api-token-file", self.token_file,
               "--prefix", args.prefix_dir or os.path.join(self.dir, "prefix")]
        if args.workers:
            cmd += ["--workers", args.workers]
        if args.accounts == "demo":
            cmd += ["--password", uuid.uuid4().hex]
        if gocache:
            cmd += ["--gocache", gocache]
        if args.prefix_dir:
            cmd += ["--no-build"]
        print("loadtest: starting the hub (log: %s)" % self.log, flush=True)
        # The hub at the normal priority, whatever this client's.
        self.proc = subprocess.Popen(cmd, stdout=open(self.log, "w"), stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=lambda: os.setpriority(os.PRIO_PROCESS, 0, 0))
        t0 = now()
        while True:
            with open(self.log) as f:
                if "JupyterHub is now running" in f.read():
                    break
            if self.proc.poll() is not None or now() - t0 > 600:
                with open(self.log) as f:
                    sys.exit("loadtest: the hub did not start:\n" + f.read()[-3000:])
            time.sleep(0.5)
        self.shutil = shutil

    def forget(self, names):
        """Empties the learners' homes, so that each run is their first
        login."""
        for n in names:
            self.shutil.rmtree(os.path.join(self.state, "homes", n), ignore_errors=True)
            if n in self.users:
                home = os.path.expanduser("~" + n)
                for f in os.listdir(home):
                    if f not in (".bashrc", ".profile", ".bash_logout"):
                        p = os.path.join(home, f)
                        if os.path.isdir(p) and not os.path.islink(p):
                            self.shutil.rmtree(p, ignore_errors=True)
                        else:
                            os.remove(p)

    def remove_users(self):
        import subprocess

        for n in self.users:
            subprocess.run(["userdel", "--remove", n], capture_output=True)
        self.users = []

    def stop(self, keep=False):
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except Exception:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
        self.remove_users()
        if keep:
            print("loadtest: the hub's log and state are in %s" % self.dir, flush=True)
        else:
            self.shutil.rmtree(self.dir, ignore_errors=True)


async def runs(args):
    if args.server:
        return await one_server(args)
    hub = None
    if args.start_hub:
        hub = StartedHub(args)
        args.hub, args.token_file, args.state = hub.url, hub.token_file, hub.state
    results = []
    try:
        for r in range(args.runs):
            if args.runs > 1:
                print("== run %d of %d" % (r + 1, args.runs), flush=True)
            summary = await run(args)
            results.append(summary)
            if hub:
                hub.forget(["%s%02d" % (args.prefix, i + 1) for i in range(args.learners)])
    finally:
        if hub:
            hub.stop(keep=not results or not all(s["good"] for s in results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(no_nan(results[0] if len(results) == 1 else results), f, indent=1)
    if len(results) > 1:
        print_runs(results)
    return 0 if all(s["good"] for s in results) else 1


def print_runs(results):
    def m(s, key):
        return s["after_idle"][key] if s.get("after_idle") else s["at_end"][key]

    print("== %d runs" % len(results))
    print("run  checks    trivial p50/p95 ms  start p50/p95 ms  PSS/learner MiB (end, idle)  threads (end, idle)  left  load")
    for i, s in enumerate(results):
        print("%-4d %-9s %6.1f / %-6.1f      %5.1f / %-6.1f    %5.1f, %-5.1f                %5d, %-5d         %-5s %s" % (
            i + 1, "%d/%d" % (s["checks_ok"], s["checks"]), s["trivial_ms_p50"], s["trivial_ms_p95"],
            s["start_ms_p50"], s["start_ms_p95"], s["at_end"]["pss_mib_per_learner"], m(s, "pss_mib_per_learner"),
            s["at_end"]["threads_all"], m(s, "threads_all"),
            "none" if not (s["left_processes"] or s["left_files"] or s["left_shm"]) else "SOME",
            s.get("loadavg")))


def print_summary(s):
    def mem(m):
        if not m:
            return "-"
        return ("PSS per learner %.1f MiB in gopherlab (%.1f MiB with the Notebook server); "
                "%d threads in all, %d in the learners' %d processes (%s); %d/%d kernels on ipc; "
                "%.1f s of processor time per learner so far; running as %d user(s)") % (
            m["pss_mib_per_learner"], m["pss_mib_per_learner_with_server"], m["threads_all"],
            m["threads_learners"], m["processes"],
            ", ".join("%s %d" % kv for kv in sorted(m["kinds"].items())), m["kernels_ipc"], m["kernels"],
            m.get("cpu_s_per_learner", 0), m.get("uids", 0))

    mark = "✓" if s["checks_ok"] == s["checks"] else "✗"
    print("learners        %d logging in over %g s, lessons %s" % (s["learners"], s["over_s"], " ".join(l[:2] for l in s["lessons"])))
    print("checks          %s %d/%d" % (mark, s["checks_ok"], s["checks"]))
    print("servers ready   p50 %.1f s, max %s s after the start request" % (s["spawn_p50_s"], s["spawn_max_s"]))
    print("trivial cell    p50 %.1f ms, p95 %.1f ms (%d cells); p95 %.1f ms while logging in (%d cells, until %.0f s), %.1f ms after (%d)" % (
        s["trivial_ms_p50"], s["trivial_ms_p95"], s["trivial_samples"], s["trivial_ms_p95_logins"], s["trivial_samples_logins"],
        s["logins_end_s"], s["trivial_ms_p95_after"], s["trivial_samples_after"]))
    print("process start   p50 %.1f ms, p95 %.1f ms from a cell (%d starts)" % (s["start_ms_p50"], s["start_ms_p95"], s["start_samples"]))
    print("at the end      %s" % mem(s["at_end"]))
    if s["after_idle"]:
        print("after %2d s idle %s" % (s["idle_wait_s"], mem(s["after_idle"])))
    print("logout          %.1f s" % s["logout_s"])
    left = s["left_processes"] + s["left_files"] + s["left_shm"]
    print("left after      %s" % ("✓ nothing" if not left else "✗ " + "; ".join(left[:20])))
    print("run             %.1f s, load average %s at the end" % (s["run_s"], s.get("loadavg")), flush=True)


def browsers_first():
    """Puts this client, which stands for the learners' browsers on their own
    machines, ahead of the machine's other processes, so that its own waits
    for a processor do not count in the timings: as root, in a session of
    its own (Linux weighs sessions against each other, sched(7) autogroup)
    at nice -10. Returns what it did, for the report."""
    if os.geteuid() != 0:
        return "the client at normal priority (not root)"
    if os.getsid(0) != os.getpid():
        try:
            os.setsid()
        except OSError:
            # A process group leader cannot: run in a child that can, and
            # pass it the signals.
            import signal

            pid = os.fork()
            if pid == 0:
                os.setsid()
            else:
                for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                    signal.signal(sig, lambda s, _f: os.kill(pid, s))
                while True:
                    try:
                        _, status = os.waitpid(pid, 0)
                        break
                    except InterruptedError:
                        continue
                sys.exit(os.waitstatus_to_exitcode(status))
    try:
        os.setpriority(os.PRIO_PROCESS, 0, -10)
        with open("/proc/self/autogroup", "w") as f:
            f.write("-10")
    except OSError as e:
        return "the client at normal priority (%s)" % e
    return "the client (the browsers) at nice -10, in a session of its own"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hub", help="the hub's URL, http://127.0.0.1:8000")
    ap.add_argument("--token-file", help="an admin API token (run-hub.sh --api-token-file)")
    ap.add_argument("--state", help="the hub's state directory (for its pid files)")
    ap.add_argument("--server", help="instead of a hub: one learner's server already running, http://127.0.0.1:8888")
    ap.add_argument("--server-token", default="", help="the --server's token")
    ap.add_argument("--learners", type=int, default=5)
    ap.add_argument("--over", type=float, default=5, help="seconds over which the learners log in")
    ap.add_argument("--lessons", default="02,05", help="lesson numbers, comma-separated")
    ap.add_argument("--lessons-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lessons"))
    ap.add_argument("--think", type=float, default=1.0, help="mean think time between cells, seconds")
    ap.add_argument("--samples", type=int, default=2, help="trivial cells and process starts timed per lesson")
    ap.add_argument("--idle-wait", type=float, default=0, help="seconds to wait before measuring again")
    ap.add_argument("--spawn-timeout", type=float, default=300)
    ap.add_argument("--prefix", default="learner", help="learners' names: PREFIX01, PREFIX02, ...")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--start-hub", action="store_true",
                    help="start a hub for the test (run-hub.sh, loopback) and stop it after")
    ap.add_argument("--accounts", default="demo", choices=["demo", "unix"],
                    help="--start-hub: demo accounts, or Unix users the test creates and removes (as root)")
    ap.add_argument("--runs", type=int, default=1, help="classes one after the other (each learner's first login)")
    ap.add_argument("--workers", help="--start-hub: GOPHERLAB_WORKERS (default: the hub's, jupyterhub_config.py)")
    ap.add_argument("--gocache", help="--start-hub: the kernels' shared build cache (default: go env GOCACHE)")
    ap.add_argument("--prefix-dir", help="--start-hub: gopherlab already installed there (run-hub.sh --no-build)")
    args = ap.parse_args()
    if not args.server and not args.start_hub and not (args.hub and args.token_file and args.state):
        ap.error("want --hub, --token-file and --state, or --start-hub, or --server")
    print("loadtest: %s" % browsers_first(), flush=True)
    # SIGTERM as Ctrl-C: the hub it started is stopped on the way out.
    import signal

    signal.signal(signal.SIGTERM, signal.default_int_handler)
    sys.exit(asyncio.run(runs(args)))


if __name__ == "__main__":
    main()
