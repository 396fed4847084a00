"""Open lessons in the classic Jupyter Notebook in headless Chromium, run
them top to bottom (Cell > Run All) and take a screenshot of each.

Usage (after installing the kernel, e.g. gopherlab install --prefix DIR):

  JUPYTER_PATH=DIR/share/jupyter /usr/bin/python3 browser_run.py OUT_DIR NOTEBOOK...

It starts `jupyter notebook` on a free port (serving the notebooks' common
directory) and chromedriver, and speaks the WebDriver protocol over plain
HTTP. For each notebook it waits until every code cell has run, counts error
outputs in cells not tagged raises-exception and check lines (✓ and ✗),
saves OUT_DIR/<name>.png (the window is made as tall as the page, so the
shot shows the whole notebook) and prints one line per notebook.
Notebooks are run on copies made by the caller; Run All does not save them.
The exit status is the number of notebooks with problems.
"""
import base64
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError("no answer from " + url)


class Driver:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1200,900",
                         "--user-data-dir=" + tempfile.mkdtemp(prefix="gopherlab-chromium-")],
            },
        }}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=300) as r:
            return json.load(r)["value"]

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.session, path), body)

    def get(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))

    def resize(self, w, h):
        self.s("POST", "/window/rect", {"width": w, "height": h})

    def quit(self):
        try:
            self.s("DELETE", "")
        except Exception:
            pass


STATE_JS = """
const nb = window.Jupyter && Jupyter.notebook;
if (!nb || !nb.kernel || !nb.kernel.is_connected()) return null;
const cells = nb.get_cells().filter(c => c.cell_type === 'code');
let pending = 0, errors = [], ok = 0, bad = 0;
for (const c of cells) {
  if (c.get_text().trim() === '') continue;
  if (c.input_prompt_number === '*' || c.input_prompt_number === undefined || c.input_prompt_number === null) pending++;
  const tags = (c.metadata.tags || []);
  for (const o of c.output_area.outputs) {
    if (o.output_type === 'error' && !tags.includes('raises-exception')) errors.push(o.ename + ': ' + o.evalue);
    const t = o.text || (o.data && o.data['text/plain']) || '';
    ok += (t.match(/\u2713/g) || []).length;
    bad += (t.match(/\u2717/g) || []).length;
  }
}
return {pending: pending, errors: errors, ok: ok, bad: bad, busy: nb.kernel_busy,
        height: (document.getElementById('notebook') || document.body).scrollHeight};
"""


@contextlib.contextmanager
def classic_notebook(out_dir, root):
    """Runs a classic Notebook server serving root and a chromedriver, and
    yields the Driver and a function giving a notebook's URL by its path
    relative to root; stops both after. The server logs to
    out_dir/notebook-server.log."""
    token = secrets.token_hex(16)
    nb_port, drv_port = free_port(), free_port()
    env = dict(os.environ)
    env.setdefault("JUPYTER_RUNTIME_DIR", tempfile.mkdtemp(prefix="gopherlab-jupyter-runtime-"))
    server = subprocess.Popen(
        ["/usr/bin/jupyter", "notebook", "--no-browser", "--ip=127.0.0.1", "--port=%d" % nb_port,
         "--NotebookApp.token=" + token, "--notebook-dir=" + root, "--allow-root"],
        env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(out_dir, "notebook-server.log"), "w"))
    driver_proc = subprocess.Popen(["/usr/bin/chromedriver", "--port=%d" % drv_port],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    drv = None
    try:
        wait_http("http://127.0.0.1:%d/api?token=%s" % (nb_port, token))
        wait_http("http://127.0.0.1:%d/status" % drv_port)
        drv = Driver(drv_port)
        yield drv, lambda rel: "http://127.0.0.1:%d/notebooks/%s?token=%s" % (nb_port, rel, token)
    finally:
        if drv:
            drv.quit()
        driver_proc.terminate()
        server.terminate()
        server.wait(10)


def main():
    out_dir, paths = sys.argv[1], [os.path.abspath(p) for p in sys.argv[2:]]
    root = os.path.commonpath([os.path.dirname(p) for p in paths])
    problems = 0
    with classic_notebook(out_dir, root) as (drv, url):
        for path in paths:
            rel = os.path.relpath(path, root)
            name = rel.replace(os.sep, "_").replace(".ipynb", "")
            drv.resize(1200, 900)
            drv.get(url(rel))
            deadline = time.time() + 60
            while drv.js(STATE_JS) is None:
                if time.time() > deadline:
                    raise RuntimeError(rel + ": kernel did not connect")
                time.sleep(0.3)
            drv.js("Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells();")
            time.sleep(1)
            deadline = time.time() + 240
            while True:
                st = drv.js(STATE_JS)
                if st and st["pending"] == 0 and not st["busy"]:
                    break
                if time.time() > deadline:
                    raise RuntimeError(rel + ": cells still running after 240 s: %s" % st)
                time.sleep(0.5)
            time.sleep(0.5)
            st = drv.js(STATE_JS)
            drv.resize(1200, min(st["height"] + 150, 16000))
            time.sleep(0.5)
            drv.js("const s = document.getElementById('site'); if (s) s.scrollTop = 0; window.scrollTo(0, 0);")
            time.sleep(0.3)
            drv.screenshot(os.path.join(out_dir, name + ".png"))
            bad = st["errors"] or st["bad"] or not st["ok"]
            problems += bool(bad)
            print("%s %s: %d check(s) passed, %d failed, errors %s" %
                  ("FAIL" if bad else "ok", rel, st["ok"], st["bad"], st["errors"]), flush=True)
            drv.js("Jupyter.notebook.session.delete();")
            time.sleep(0.5)
    sys.exit(problems)


if __name__ == "__main__":
    main()
