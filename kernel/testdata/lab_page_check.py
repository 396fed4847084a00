"""Open a lesson in a page built from JupyterLab 4's npm packages
(kernel/testdata/lab/page: rendermime, outputarea, codemirror, services),
served by Debian's jupyter-server, in headless Chromium, and run it.

The lesson is signed for the server's user first, as install.sh does
(python3 -m nbformat.sign, the code of `jupyter trust`): the page shows its
committed outputs as JupyterLab does, SVG only for trusted cells. A second,
unsigned copy must show none of its SVG. Then the page runs every cell in
the gopherlab kernel and shows the new outputs. It checks that Go was
highlighted by JupyterLab's CodeMirror registry (from language_info),
that the committed and the new SVG timelines rendered, and that no cell
failed, and saves two screenshots: PREFIX-committed.png and PREFIX-run.png.

The gopherlab kernelspec must be findable (JUPYTER_PATH), and the page
built (node kernel/testdata/lab/page/build.mjs DIR). Usage:

    JUPYTER_PATH=PREFIX/share/jupyter /usr/bin/python3 lab_page_check.py BUILD_DIR LESSON.ipynb SCREENSHOT_PREFIX

Exit status 0 when every check passes; messages on stderr say what failed.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

from browser_check import CHROMEDRIVER, WebDriver, free_port, wait_http

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    build, lesson, prefix = (os.path.abspath(a) for a in sys.argv[1:])
    work = tempfile.mkdtemp(prefix="gopherlab-labpage-")
    os.makedirs(os.path.join(work, "page"))
    for name in ("page.js", "page.css"):
        shutil.copy(os.path.join(build, name), os.path.join(work, "page", name))
    for name in os.listdir(build):  # fonts and images esbuild emitted
        if name not in ("page.js", "page.css"):
            shutil.copy(os.path.join(build, name), os.path.join(work, "page", name))
    shutil.copy(os.path.join(HERE, "lab", "page", "index.html"), os.path.join(work, "page", "index.html"))
    shutil.copy(lesson, os.path.join(work, "trusted.ipynb"))
    # A notebook's signature covers its content, not its name: the unsigned
    # copy differs by a metadata field.
    with open(lesson) as f:
        nb = json.load(f)
    nb.setdefault("metadata", {})["gopherlab_check"] = "unsigned copy"
    with open(os.path.join(work, "untrusted.ipynb"), "w") as f:
        json.dump(nb, f, indent=1)

    env = dict(os.environ)
    env["JUPYTER_CONFIG_DIR"] = os.path.join(work, "config")
    env["JUPYTER_RUNTIME_DIR"] = os.path.join(work, "runtime")
    env["JUPYTER_DATA_DIR"] = os.path.join(work, "data")
    # As install.sh marks the lessons trusted for the user.
    subprocess.run(["/usr/bin/python3", "-m", "nbformat.sign", os.path.join(work, "trusted.ipynb")],
                   env=env, check=True, stdout=subprocess.DEVNULL)

    port, dport = free_port(), free_port()
    token = base64.b16encode(os.urandom(12)).decode().lower()
    procs, wd, failures = [], None, []
    try:
        procs.append(subprocess.Popen(
            ["/usr/bin/python3", "-m", "jupyter_server", "--no-browser", "--allow-root",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.token={token}", f"--ServerApp.root_dir={work}",
             # The page under /static/: /files/ answers with a sandboxing
             # Content-Security-Policy, under which the page may not call the API.
             f"--ServerApp.extra_static_paths={os.path.join(work, 'page')}"],
            env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "server.log"), "w")))
        procs.append(subprocess.Popen([CHROMEDRIVER, f"--port={dport}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/api/status?token={token}", 60)
        wait_http(f"http://127.0.0.1:{dport}/status", 30)
        wd = WebDriver(f"http://127.0.0.1:{dport}")
        wd.s("POST", "/window/rect", {"width": 1200, "height": 2400})

        def open_page(path, run):
            wd.get(f"{base}/static/index.html?token={token}&path={path}&run={run}")
            key = "glRun" if run else "glCommitted"
            got = wd.wait_js(f"return window.glError ? {{error: window.glError}} : (window.{key} || null)",
                             120, f"the page to {'run' if run else 'show'} {path}")
            if "error" in got:
                raise RuntimeError("the page failed: " + got["error"])
            return wd.js("return window.glCommitted"), got

        committed, _ = open_page("untrusted.ipynb", 0)
        if committed["trusted"] != 0:
            failures.append(f"the unsigned copy has {committed['trusted']} trusted cells")
        if committed["svgs"] != 0:
            failures.append(f"the unsigned copy shows {committed['svgs']} SVG outputs (JupyterLab withholds them)")

        committed, run = open_page("trusted.ipynb", 1)
        print("committed view:", json.dumps(committed), file=sys.stderr)
        print("after running:", json.dumps(run), file=sys.stderr)
        if committed["language"] != "Go" or committed["codemirrorMode"] != "go":
            failures.append(f"language: CodeMirror {committed['language']!r} from codemirror_mode {committed['codemirrorMode']!r}")
        if committed["highlighted"] == 0 or committed["keywords"] == 0:
            failures.append("Go keywords not coloured in the code cells")
        if committed["trusted"] != committed["cells"]:
            failures.append(f"{committed['trusted']} of {committed['cells']} cells trusted after signing")
        if committed["svgs"] == 0:
            failures.append("the signed lesson shows no SVG output")
        if run["errors"]:
            failures.append("cells failed: " + "; ".join(run["errors"]))
        if run["svgs"] == 0:
            failures.append("no SVG output after running the lesson")
        # Screenshots: the committed view (reload without running) and the run.
        wd.screenshot(prefix + "-run.png")
        open_page("trusted.ipynb", 0)
        wd.screenshot(prefix + "-committed.png")
    except Exception as e:  # noqa: BLE001 - report and fail
        failures.append(f"{type(e).__name__}: {e}")
        try:
            with open(os.path.join(work, "server.log")) as f:
                print(f.read()[-4000:], file=sys.stderr)
        except OSError:
            pass
    finally:
        if wd:
            wd.quit()
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
