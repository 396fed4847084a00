"""Check the gopherlab kernel in a real browser: classic Jupyter Notebook
served by Debian's `jupyter notebook`, driven in headless Chromium through
chromedriver's W3C WebDriver HTTP API (plain urllib, no selenium).

It opens a notebook, runs cells calling display.HTML and display.SVG, checks
that the browser rendered them (an element from the HTML, an <svg> with its
circle), then presses Tab after `fmt.Pri` in a code cell and checks that the
completion list offers Println, and that accepting it gives `fmt.Println`.
Then it presses Shift-Tab inside `fmt.Println(` and checks that the tooltip
shows the function's documentation. It saves a screenshot with the
completion list open, and one (NAME-inspect.png) with the tooltip.

The gopherlab kernelspec must be findable by Jupyter (set JUPYTER_PATH).
Usage:

    JUPYTER_PATH=PREFIX/share/jupyter /usr/bin/python3 browser_check.py SCREENSHOT.png

Exit status 0 when every check passes; messages on stderr say what failed.
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import nbformat

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

HTML_CELL = '''import "github.com/gopherlab/gopherlab/kernel/display"
display.HTML(`<p id="gl-html" style="font-size:20px">Hello from <b>Go</b>, rendered as HTML</p>`)'''

SVG_CELL = '''display.SVG(`<svg xmlns="http://www.w3.org/2000/svg" width="160" height="60">
<rect width="160" height="60" fill="#e0f0ff"/>
<circle id="gl-circle" cx="30" cy="30" r="22" fill="#00add8"/>
<text x="62" y="36" font-size="16">gopher</text></svg>`)'''

COMPLETE_CELL = 'import "fmt"\nfmt.Pri'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} after {timeout}s")


class WebDriver:
    """The few W3C WebDriver commands this check needs."""

    def __init__(self, url):
        self.url = url
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                            "--no-first-run", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync",
                            "--user-data-dir=" + tempfile.mkdtemp(prefix="gopherlab-chromium-"),
                            "--window-size=1200,900",
                        ],
                    },
                }
            }
        }
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body if body is not None else {}).encode() if method == "POST" else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.load(r)["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"webdriver {method} {path}: {e.read().decode(errors='replace')}") from None

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def get(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait_js(self, script, timeout, what):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                last = self.js(script)
                if last:
                    return last
            except RuntimeError as e:
                last = e
            time.sleep(0.2)
        raise RuntimeError(f"timed out after {timeout}s waiting for {what} (last: {last})")

    def keys(self, text):
        el = self.s("GET", "/element/active")
        ref = list(el.values())[0]
        self.s("POST", f"/element/{ref}/value", {"text": text})

    def screenshot(self, path):
        png = base64.b64decode(self.s("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)

    def quit(self):
        try:
            self.s("DELETE", "")
        except Exception:
            pass


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    shot = os.path.abspath(sys.argv[1])
    if os.path.exists(shot):
        os.remove(shot)
    work = tempfile.mkdtemp(prefix="gopherlab-browser-")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "gopherlab", "display_name": "Go (gopherlab)", "language": "go"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (HTML_CELL, SVG_CELL, COMPLETE_CELL)]
    nbformat.write(nb, os.path.join(work, "check.ipynb"))

    env = dict(os.environ)
    env["JUPYTER_CONFIG_DIR"] = os.path.join(work, "config")
    env["JUPYTER_RUNTIME_DIR"] = os.path.join(work, "runtime")
    env["JUPYTER_DATA_DIR"] = os.path.join(work, "data")
    port, dport = free_port(), free_port()
    token = base64.b16encode(os.urandom(12)).decode().lower()
    procs = []
    wd = None
    failures = []
    try:
        nbserver = subprocess.Popen(
            ["/usr/bin/jupyter", "notebook", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
             f"--NotebookApp.token={token}", f"--notebook-dir={work}", "--NotebookApp.open_browser=False", "--allow-root"],
            env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "notebook.log"), "w"))
        procs.append(nbserver)
        driver = subprocess.Popen([CHROMEDRIVER, f"--port={dport}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(driver)
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/api/status?token={token}", 60)
        wait_http(f"http://127.0.0.1:{dport}/status", 30)
        wd = WebDriver(f"http://127.0.0.1:{dport}")
        wd.get(f"{base}/notebooks/check.ipynb?token={token}")
        wd.wait_js("return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
                   " && Jupyter.notebook.kernel.is_connected() && Jupyter.notebook.kernel.info_reply"
                   " && Jupyter.notebook.kernel.info_reply.implementation)", 60, "the gopherlab kernel to connect")
        impl = wd.js("return Jupyter.notebook.kernel.info_reply.implementation")
        if impl != "gopherlab":
            failures.append(f"kernel implementation is {impl!r}, want 'gopherlab'")

        wd.js("Jupyter.notebook.execute_cells([0, 1])")
        try:
            text = wd.wait_js("var e = document.querySelector('.output_html #gl-html');"
                              " return e && e.innerText", 60, "the HTML output")
            if "Hello from Go" not in text:
                failures.append(f"HTML output text is {text!r}")
            bold = wd.js("var b = document.querySelector('#gl-html b'); return b && getComputedStyle(b).fontWeight")
            if not bold or int(bold) < 600:
                failures.append(f"<b> in the HTML output is not rendered bold (font-weight {bold})")
        except RuntimeError as e:
            failures.append(str(e))
        try:
            r = wd.wait_js("var c = document.querySelector('.output_svg svg #gl-circle');"
                           " if (!c) return null; var b = c.getBoundingClientRect();"
                           " return [b.width, b.height]", 60, "the SVG output")
            if abs(r[0] - 44) > 2 or abs(r[1] - 44) > 2:
                failures.append(f"SVG circle rendered {r[0]}x{r[1]}, want 44x44")
        except RuntimeError as e:
            failures.append(str(e))

        # Tab completion in the third cell, with the cursor after "fmt.Pri".
        wd.js("var nb = Jupyter.notebook; nb.select(2); nb.edit_mode();"
              " var cm = nb.get_cell(2).code_mirror; cm.focus(); cm.setCursor({line: 1, ch: 7});")
        time.sleep(0.3)
        wd.keys("\ue004")  # Tab
        try:
            opts = wd.wait_js("var s = document.querySelectorAll('.completions select option');"
                              " return s.length ? Array.from(s).map(o => o.textContent) : null;",
                              30, "the completion list")
            if "Println" not in opts:
                failures.append(f"completion list {opts} lacks Println")
            else:
                wd.screenshot(shot)
                # Accept Println as a user does: arrow down to it, Enter.
                wd.keys("\ue015" * opts.index("Println") + "\ue007")
                line = wd.wait_js("var t = Jupyter.notebook.get_cell(2).get_text().split('\\n')[1];"
                                  " return t != 'fmt.Pri' && t", 10, "the accepted completion")
                if line != "fmt.Println":
                    failures.append(f"after accepting Println the line is {line!r}, want 'fmt.Println'")
                else:
                    # Shift-Tab inside the call shows the doc in a tooltip.
                    wd.keys("(")
                    wd.keys("\ue008\ue004\ue000")  # Shift+Tab, release
                    tip = wd.wait_js("var t = document.querySelector('#tooltip');"
                                     " return t && t.offsetParent !== null && t.innerText", 30, "the Shift-Tab tooltip")
                    if "func Println" not in tip or "Println formats" not in tip:
                        failures.append(f"Shift-Tab tooltip shows {tip!r}, want the doc of fmt.Println")
                    wd.screenshot(shot.rsplit(".", 1)[0] + "-inspect.png")
        except RuntimeError as e:
            failures.append(str(e))
        if not os.path.exists(shot):
            wd.screenshot(shot)
    finally:
        if wd:
            wd.quit()
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("browser_check: " + f, file=sys.stderr)
    if not failures:
        print(f"browser_check: HTML and SVG rendered, Tab after fmt.Pri offers Println, Shift-Tab shows its doc;"
              f" screenshot {shot}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
