"""Take screenshots of live views while their cell runs, in the classic
Jupyter Notebook in headless Chromium.

Usage (after installing the kernel, e.g. gopherlab install --prefix DIR):

  JUPYTER_PATH=DIR/share/jupyter /usr/bin/python3 browser_live.py OUT_DIR NOTEBOOK@MARK@PATTERN...

For each NOTEBOOK@MARK@PATTERN it opens the notebook, runs the cells above
the first code cell whose source contains MARK, then runs that cell and, as
soon as its live view shows text matching the regular expression PATTERN
while the cell still runs, saves OUT_DIR/<notebook>-live.png showing the
cell and its live view. It then waits for the cell to end and saves
OUT_DIR/<notebook>-after.png. It prints, for each, the live view's text at
both moments. The exit status is the number of screenshots that could not
be taken while the cell was running.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser_run import classic_notebook  # noqa: E402

FIND_JS = """
const nb = Jupyter.notebook;
const cells = nb.get_cells();
for (let i = 0; i < cells.length; i++) {
  if (cells[i].cell_type === 'code' && cells[i].get_text().includes(arguments[0])) return i;
}
return -1;
"""

STATE_JS = """
const nb = window.Jupyter && Jupyter.notebook;
if (!nb || !nb.kernel || !nb.kernel.is_connected()) return null;
const c = nb.get_cell(arguments[0]);
const view = c.output_area.element[0].querySelector('.gopherlab-view');
return {running: c.input_prompt_number === '*', busy: nb.kernel_busy,
        view: view ? view.innerText : null};
"""

SCROLL_JS = """
const c = Jupyter.notebook.get_cell(arguments[0]);
const out = c.output_area.element[0];
const s = document.getElementById('site');
if (s) s.scrollTop = Math.max(0, s.scrollTop + out.getBoundingClientRect().top - 420);
"""


def main():
    out_dir, specs = sys.argv[1], sys.argv[2:]
    jobs = []
    for spec in specs:
        path, mark, pattern = spec.split("@")
        jobs.append((os.path.abspath(path), mark, re.compile(pattern)))
    root = os.path.commonpath([os.path.dirname(p) for p, _, _ in jobs])
    problems = 0
    with classic_notebook(out_dir, root) as (drv, url):
        for path, mark, pattern in jobs:
            rel = os.path.relpath(path, root)
            name = rel.replace(os.sep, "_").replace(".ipynb", "")
            drv.resize(1200, 1100)
            drv.get(url(rel))
            deadline = time.time() + 60
            while drv.js("return window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected();") is not True:
                if time.time() > deadline:
                    raise RuntimeError(rel + ": kernel did not connect")
                time.sleep(0.3)
            drv.js("Jupyter.notebook.clear_all_output();")
            i = drv.js(FIND_JS, mark)
            if i < 0:
                raise RuntimeError("%s: no code cell contains %r" % (rel, mark))
            if i > 0:
                drv.js("Jupyter.notebook.execute_cell_range(0, arguments[0]);", i)
                deadline = time.time() + 180
                while True:
                    busy = drv.js("return Jupyter.notebook.kernel_busy || Jupyter.notebook.get_cells().slice(0, arguments[0]).some(c => c.input_prompt_number === '*');", i)
                    if not busy:
                        break
                    if time.time() > deadline:
                        raise RuntimeError(rel + ": the cells above did not finish")
                    time.sleep(0.3)
            drv.js("Jupyter.notebook.execute_cells([arguments[0]]);", i)
            deadline = time.time() + 120
            while True:  # until the view shows what the screenshot is for
                st = drv.js(STATE_JS, i)
                if st and st["view"] and pattern.search(st["view"]):
                    break
                if time.time() > deadline or (st and st["view"] and not st["running"]):
                    break
                time.sleep(0.05)
            drv.js(SCROLL_JS, i)
            drv.screenshot(os.path.join(out_dir, name + "-live.png"))
            ok = st and st["running"] and st["view"]
            problems += not ok
            print("%s %s: mid-run (running=%s) live view:\n%s" % ("ok" if ok else "FAIL", rel, st and st["running"], st and st["view"]), flush=True)
            deadline = time.time() + 180
            while True:
                st = drv.js(STATE_JS, i)
                if st and not st["running"] and not st["busy"]:
                    break
                if time.time() > deadline:
                    raise RuntimeError(rel + ": the cell did not end")
                time.sleep(0.3)
            time.sleep(0.5)
            drv.js(SCROLL_JS, i)
            time.sleep(0.2)
            drv.screenshot(os.path.join(out_dir, name + "-after.png"))
            print("%s: after the cell ended:\n%s" % (rel, drv.js(STATE_JS, i)["view"]), flush=True)
            drv.js("Jupyter.notebook.session.delete();")
            time.sleep(0.5)
    sys.exit(problems)


if __name__ == "__main__":
    main()
