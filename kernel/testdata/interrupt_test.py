"""Interrupts and stop_on_error through jupyter_client: the execute_requests
that arrived before a failed cell's error reply are aborted, and one sent as
soon as the client has that reply runs (a learner who interrupts a cell and
runs the next one at once); an interrupt that stops a cell's processes says
so once, in plain words.

The gopherlab kernelspec must be findable (JUPYTER_PATH). Run:

    JUPYTER_PATH=PREFIX/share/jupyter /usr/bin/python3 -m unittest -v interrupt_test
"""

import queue
import re
import time
import unittest

from jupyter_client.manager import KernelManager

TIMEOUT = 60
ROUNDS = 20


class InterruptTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km = KernelManager(kernel_name="gopherlab")
        cls.km.start_kernel()
        cls.kc = cls.km.client()
        cls.kc.start_channels()
        cls.kc.wait_for_ready(timeout=TIMEOUT)
        cls.execute('import ("time"; "github.com/gopherlab/gopherlab/runtime/mp")\n'
                    'func forever() { for { time.Sleep(10 * time.Millisecond) } }')

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)

    @classmethod
    def execute(cls, code):
        """Runs code to its reply and returns the reply's content."""
        msg_id = cls.kc.execute(code, stop_on_error=True)
        return cls.reply(msg_id)

    @classmethod
    def reply(cls, msg_id):
        deadline = time.time() + TIMEOUT
        while True:
            msg = cls.kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]

    def wait_started(self, msg_id):
        """Waits for the execute_input of msg_id on IOPub: the cell runs."""
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
                return
        self.fail("the cell did not start")

    def iopub_until_idle(self, msg_id):
        msgs = []
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            msgs.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return msgs
        self.fail("no idle")

    def test_interrupt_stopping_processes_says_so_once(self):
        # The cell has ended, its process runs on: the kernel waits for it
        # (as for a program's non-daemon children) until interrupted.
        msg_id = self.kc.execute("p := mp.NewProcess(forever)\np.Start()", stop_on_error=True)
        self.wait_started(msg_id)
        time.sleep(0.5)
        self.km.interrupt_kernel()
        rep = self.reply(msg_id)
        msgs = self.iopub_until_idle(msg_id)
        self.assertEqual(rep["ename"], "Interrupted")
        self.assertRegex(rep["evalue"], r"^stopped Process-\d+ \(pid \d+\): still running when the cell was interrupted$")
        self.assertEqual(rep["traceback"], ["Interrupted: " + rep["evalue"]])
        stderr = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
        self.assertNotIn("stopped", stderr, "the error repeated on standard error")
        self.assertNotIn("gopherlab", rep["evalue"] + stderr)

    def test_interrupt_of_a_join_names_the_stopped_process(self):
        msg_id = self.kc.execute("q := mp.NewProcess(forever)\nq.Start()\nq.Join()", stop_on_error=True)
        self.wait_started(msg_id)
        time.sleep(0.5)
        self.km.interrupt_kernel()
        rep = self.reply(msg_id)
        msgs = self.iopub_until_idle(msg_id)
        self.assertEqual(rep["ename"], "Interrupted")
        self.assertEqual(rep["evalue"], "the cell was interrupted")
        stderr = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
        self.assertTrue(re.fullmatch(r"stopped Process-\d+ \(pid \d+\): still running when the cell was interrupted\n", stderr), repr(stderr))

    def test_next_cell_after_interrupt_runs(self):
        for i in range(ROUNDS):
            loop = self.kc.execute("for { time.Sleep(5 * time.Millisecond) }", stop_on_error=True)
            self.wait_started(loop)
            self.km.interrupt_kernel()
            rep = self.reply(loop)
            self.assertEqual(rep["status"], "error", "round %d" % i)
            self.assertEqual(rep["ename"], "Interrupted", "round %d" % i)
            # Sent as soon as the interrupted cell's reply is here: it runs.
            nxt = self.execute("%d + 1" % i)
            self.assertEqual(nxt["status"], "ok", "round %d: the cell sent after the error reply was %s" % (i, nxt["status"]))

    def test_next_cell_after_error_runs(self):
        for i in range(ROUNDS):
            rep = self.execute('panic("round %d")' % i)
            self.assertEqual(rep["status"], "error")
            nxt = self.execute("%d" % i)
            self.assertEqual(nxt["status"], "ok", "round %d: the cell sent after the error reply was %s" % (i, nxt["status"]))

    def test_cells_queued_behind_the_error_are_aborted(self):
        # The first cell fails after a sleep: the others have surely
        # arrived by then ("Run All").
        ids = [self.kc.execute(code, stop_on_error=True) for code in
               ('time.Sleep(200 * time.Millisecond); panic("stop")', "1", "2", "3")]
        self.assertEqual([self.reply(i)["status"] for i in ids], ["error", "aborted", "aborted", "aborted"])
        self.assertEqual(self.execute("4")["status"], "ok")

    def test_queued_cells_without_stop_on_error_run(self):
        ids = [self.kc.execute('time.Sleep(100 * time.Millisecond); panic("stop")', stop_on_error=False),
               self.kc.execute("1", stop_on_error=True)]
        self.assertEqual([self.reply(i)["status"] for i in ids], ["error", "ok"])


if __name__ == "__main__":
    unittest.main()
