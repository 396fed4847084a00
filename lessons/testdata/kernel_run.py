"""Run one notebook through a real Jupyter kernel, cell by cell, and record
every version of every updatable display, as a frontend would show them.

Usage: kernel_run.py KERNEL_NAME OUT_PATH NOTEBOOK

Each code cell is executed with jupyter_client, in order, as Jupyter's "Run
All" would, but going on after a failing cell (the caller judges). Outputs
are kept as nbformat stores them: streams merged, displays replaced in place
by update_display_data. In addition, each cell's metadata "gopherlab_views"
lists the text/plain of each display with a display_id and of each of its
updates, in the order they arrived, so that a test can see what a live view
showed while the cell ran; "gopherlab_late" counts messages that arrived
for the cell after its execute_reply (they should not). A cell whose
metadata has "gopherlab_interrupt_after" (seconds) is interrupted once it
has printed something and then nothing for that long — it hangs — as a
learner would press the stop button (or after INTERRUPT_CAP seconds in any
case). The executed notebook is written to OUT_PATH.
"""
import queue
import sys
import time

import nbformat
from jupyter_client.manager import start_new_kernel

CELL_LIMIT = 180  # seconds a cell may take before the run gives up
INTERRUPT_CAP = 90  # seconds after which a cell to interrupt is interrupted, silent or not


def run(kernel_name, in_path, out_path):
    nb = nbformat.read(in_path, as_version=4)
    km, kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=60)
    outputs_by_display = {}  # display_id -> list of output dicts to update
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            views, late = [], 0
            interrupt_after = cell.metadata.get("gopherlab_interrupt_after", 0)
            msg_id = kc.execute(cell.source, allow_stdin=False)
            start = time.time()
            last_output = None  # when the cell last printed
            interrupted = False
            idle = False
            while not idle:
                now = time.time()
                silent = last_output is not None and now - last_output > interrupt_after
                if interrupt_after and not interrupted and (silent or now - start > INTERRUPT_CAP):
                    km.interrupt_kernel()
                    interrupted = True
                if time.time() - start > CELL_LIMIT:
                    raise RuntimeError("cell still running after %d s:\n%s" % (CELL_LIMIT, cell.source))
                try:
                    msg = kc.get_iopub_msg(timeout=0.2)
                except queue.Empty:
                    continue
                parent = msg.get("parent_header", {}).get("msg_id")
                mtype, content = msg["header"]["msg_type"], msg["content"]
                if parent != msg_id:
                    if mtype not in ("status", "execute_input"):
                        late += 1
                        print("late %s from an earlier cell: %s" % (mtype, content), file=sys.stderr)
                    continue
                if mtype == "status":
                    idle = content["execution_state"] == "idle"
                elif mtype == "stream":
                    last_output = time.time()
                    outs = cell.outputs
                    if outs and outs[-1].output_type == "stream" and outs[-1].name == content["name"]:
                        outs[-1].text += content["text"]
                    else:
                        outs.append(nbformat.v4.new_output("stream", name=content["name"], text=content["text"]))
                elif mtype in ("display_data", "execute_result"):
                    kw = {"data": content["data"], "metadata": content.get("metadata", {})}
                    if mtype == "execute_result":
                        kw["execution_count"] = content.get("execution_count")
                    out = nbformat.v4.new_output(mtype, **kw)
                    cell.outputs.append(out)
                    did = content.get("transient", {}).get("display_id")
                    if did:
                        outputs_by_display.setdefault(did, []).append(out)
                        views.append(content["data"].get("text/plain", ""))
                elif mtype == "update_display_data":
                    did = content.get("transient", {}).get("display_id")
                    for out in outputs_by_display.get(did, []):
                        out.data = content["data"]
                        out.metadata = content.get("metadata", {})
                    views.append(content["data"].get("text/plain", ""))
                elif mtype == "error":
                    cell.outputs.append(nbformat.v4.new_output(
                        "error", ename=content["ename"], evalue=content["evalue"], traceback=content["traceback"]))
                elif mtype == "clear_output":
                    cell.outputs = []
            reply = kc.get_shell_msg(timeout=30)
            cell.execution_count = reply["content"].get("execution_count")
            # Messages for the cell after its idle status would be lost by
            # frontends that moved on: count any arriving within 0.5 s.
            deadline = time.time() + 0.5
            while time.time() < deadline:
                try:
                    msg = kc.get_iopub_msg(timeout=0.1)
                except queue.Empty:
                    continue
                if msg.get("parent_header", {}).get("msg_id") == msg_id and msg["header"]["msg_type"] != "status":
                    late += 1
            cell.metadata["gopherlab_views"] = views
            cell.metadata["gopherlab_late"] = late
            cell.metadata["gopherlab_interrupted"] = interrupted
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    nbformat.write(nb, out_path)


def main():
    kernel, out_path, in_path = sys.argv[1], sys.argv[2], sys.argv[3]
    run(kernel, in_path, out_path)


if __name__ == "__main__":
    main()
