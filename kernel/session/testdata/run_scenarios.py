"""Run session scenarios through the installed gopherlab kernel.

Reads JSON from stdin: a list of scenarios, each a list of cell sources.
Each scenario runs in a fresh kernel (kernel name from argv[1], default
"gopherlab") through jupyter_client, as a frontend would. Writes JSON to
stdout: for each scenario, for each cell, what the kernel sent on IOPub in
reply to it: stdout and stderr text, the execute_result data, display_data
bundles, and the error as "ename: evalue" (or null), plus the reply status.

Run with /usr/bin/python3 and JUPYTER_PATH pointing at the kernelspec.
"""
import json
import sys

from jupyter_client.manager import start_new_kernel


def run_cell(kc, code):
    msg_id = kc.execute(code, allow_stdin=False, stop_on_error=False)
    r = {"stdout": "", "stderr": "", "result": {}, "displays": [], "error": None}
    while True:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            r[content["name"]] += content["text"]
        elif kind == "execute_result":
            r["result"] = content["data"]
        elif kind == "display_data":
            r["displays"].append(content["data"])
        elif kind == "error":
            r["error"] = content["ename"] + ": " + content["evalue"]
        elif kind == "status" and content["execution_state"] == "idle":
            break
    while True:
        reply = kc.get_shell_msg(timeout=120)
        if reply["parent_header"].get("msg_id") == msg_id:
            r["status"] = reply["content"]["status"]
            return r


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "gopherlab"
    scenarios = json.load(sys.stdin)
    out = []
    for cells in scenarios:
        km, kc = start_new_kernel(kernel_name=name, startup_timeout=60)
        try:
            out.append([run_cell(kc, code) for code in cells])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
