"""Execute notebooks through a real Jupyter kernel with nbclient.

Usage: nbclient_run.py KERNEL_NAME OUT_DIR NOTEBOOK...

Each notebook is executed top to bottom, as Jupyter's "Run All" does; a cell
tagged raises-exception may fail, any other failing cell stops that notebook.
The executed notebook is written to OUT_DIR under the same base name. The
exit status is the number of notebooks that failed.
"""
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main():
    kernel, out_dir, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    failed = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, kernel_name=kernel, timeout=120, startup_timeout=60,
                                resources={"metadata": {"path": out_dir}})
        try:
            client.execute()
        except CellExecutionError as e:
            failed += 1
            print("FAILED %s: %s" % (path, e), file=sys.stderr)
        nbformat.write(nb, os.path.join(out_dir, os.path.basename(path)))
    sys.exit(failed)


if __name__ == "__main__":
    main()
