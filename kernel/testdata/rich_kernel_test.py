"""jupyter_kernel_test checks of completion, inspection and rich display for
the gopherlab kernel (engineer H4's samples).

Run by TestJupyterRich in kernel/rich_test.go, which installs the kernel
into a temporary prefix and sets JUPYTER_PATH; by hand:

    JUPYTER_PATH=PREFIX/share/jupyter /usr/bin/python3 -m unittest -v rich_kernel_test
"""

import queue
import time
import unittest

import jupyter_kernel_test
from jupyter_kernel_test.msgspec_v5 import validate_message

DISPLAY = 'import "github.com/gopherlab/gopherlab/kernel/display"\n'


class GopherlabRichTests(jupyter_kernel_test.KernelTests):
    kernel_name = "gopherlab"
    language_name = "go"
    file_extension = ".go"

    completion_samples = [
        {"text": 'import "fmt"\nfmt.Pri', "matches": ["Print", "Printf", "Println"]},
        {"text": 'import "strings"\nstrings.ToU', "matches": ["ToUpper", "ToUpperSpecial"]},
        {"text": "fo", "matches": ["for"]},
        {"text": "func twice(x int) int { return 2 * x }\ntwi", "matches": ["twice"]},
    ]

    code_inspect_sample = 'import "fmt"\nfmt.Println'

    code_display_data = [
        {"code": DISPLAY + 'display.HTML("<b>bold</b>")', "mime": "text/html"},
        {"code": DISPLAY + 'display.Markdown("# Title")', "mime": "text/markdown"},
        {"code": DISPLAY + 'display.SVG(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`)',
         "mime": "image/svg+xml"},
        {"code": DISPLAY + 'import "image"\ndisplay.Image(image.NewGray(image.Rect(0, 0, 4, 4)))',
         "mime": "image/png"},
        {"code": DISPLAY + 'display.JSON(map[string]int{"a": 1})', "mime": "application/json"},
    ]

    code_clear_output = DISPLAY + 'display.HTML("<p>old</p>")\ndisplay.Clear(true)\ndisplay.HTML("<p>new</p>")'

    code_execute_result = [
        {"code": "1+1", "result": "2"},
        {"code": 'type page string\nfunc (p page) HTML() string { return "<h1>" + string(p) + "</h1>" }\npage("hi")',
         "mime": "text/html", "result": "<h1>hi</h1>"},
    ]

    # Checks beyond jupyter_kernel_test's own.

    def run_cell(self, code):
        self.flush_channels()
        return self.execute_helper(code)

    def complete(self, code, cursor_pos=None):
        self.flush_channels()
        msg_id = self.kc.complete(code, cursor_pos)
        reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
        validate_message(reply, "complete_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        return reply["content"]

    def test_completion_cursor(self):
        # Accepting a match replaces [cursor_start, cursor_end): "fmt.Pri"
        # becomes "fmt.Println". Positions count code points: "é" and "世"
        # are one each.
        for code in ['import "fmt"\nfmt.Pri', 's := "é世"; fmt.Pri']:
            with self.subTest(code=code):
                content = self.complete(code)
                self.assertIn("Println", content["matches"])
                start, end = content["cursor_start"], content["cursor_end"]
                self.assertEqual(end, len(code))
                self.assertEqual(code[:start] + "Println" + code[end:], code[:-3] + "Println")

    def test_completion_mid_cell(self):
        code = 'import "fmt"\nfmt.Pri\nx := 1'
        cursor = code.index("Pri") + 3
        content = self.complete(code, cursor)
        self.assertEqual(set(content["matches"]), {"Print", "Printf", "Println"})
        self.assertEqual((content["cursor_start"], content["cursor_end"]), (cursor - 3, cursor))

    def test_completion_mp(self):
        content = self.complete('import "github.com/gopherlab/gopherlab/runtime/mp"\nmp.NewL')
        self.assertIn("NewLock", content["matches"])

    def test_completion_notebook_names(self):
        reply, _ = self.run_cell("var sharedCounter = 3\nfunc sharedWork() {}")
        self.assertEqual(reply["content"]["status"], "ok")
        content = self.complete("shared")
        self.assertEqual(set(content["matches"]), {"sharedCounter", "sharedWork"})

    def test_completion_types(self):
        # metadata._jupyter_types_experimental, as ipykernel sends it: one
        # entry per match, in order, with its range, type and signature.
        reply, _ = self.run_cell("var typedCounter = 3\nfunc typedWork(n int) string { return \"\" }")
        self.assertEqual(reply["content"]["status"], "ok")
        for code, want in [
            ('import "strings"\nstrings.HasP', [("HasPrefix", "function", "func HasPrefix(s, prefix string) bool")]),
            ("typed", [("typedCounter", "instance", "int"), ("typedWork", "function", "func typedWork(n int) string")]),
        ]:
            with self.subTest(code=code):
                content = self.complete(code)
                types = content["metadata"]["_jupyter_types_experimental"]
                self.assertEqual([t["text"] for t in types], content["matches"])
                for t in types:
                    self.assertEqual((t["start"], t["end"]), (content["cursor_start"], content["cursor_end"]))
                self.assertEqual([(t["text"], t["type"], t["signature"]) for t in types], want)

    def test_inspect_text(self):
        self.flush_channels()
        code = 'import "fmt"\nfmt.Println(1, '
        msg_id = self.kc.inspect(code, len(code))
        reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
        validate_message(reply, "inspect_reply", msg_id)
        text = reply["content"]["data"]["text/plain"]
        self.assertIn("func Println(a ...any) (n int, err error)", text)
        self.assertIn("Println formats using the default formats", text)

    def inspect_area(self):
        reply, _ = self.run_cell("// area returns the area of a w by h rectangle.\nfunc area(w, h int) int { return w * h }")
        self.assertEqual(reply["content"]["status"], "ok")
        self.flush_channels()
        msg_id = self.kc.inspect("area(2, 3)", 2)
        reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
        validate_message(reply, "inspect_reply", msg_id)
        self.assertTrue(reply["content"]["found"])
        return reply["content"]["data"]["text/plain"]

    def test_inspect_notebook_func(self):
        self.assertIn("func area(w, h int) int", self.inspect_area())

    def test_inspect_notebook_func_comment(self):
        """Shift-Tab on a function declared in an earlier cell shows its
        signature, then its doc comment indented as go doc prints it."""
        self.assertIn("func area(w, h int) int\n    area returns the area of a w by h rectangle.\n",
                      self.inspect_area())

    def test_inspect_notebook_comment_latest(self):
        """After the cell is edited and run again, Shift-Tab shows the new
        comment of a type and of its method, and none once it is removed."""
        def inspect(code):
            self.flush_channels()
            msg_id = self.kc.inspect(code, len(code))
            reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
            validate_message(reply, "inspect_reply", msg_id)
            self.assertTrue(reply["content"]["found"])
            return reply["content"]["data"]["text/plain"]

        cell = ("// Grid is a board of cells.\ntype Grid [][]bool\n\n"
                "// Alive counts the live cells of g.\nfunc (g Grid) Alive() int { return 0 }")
        reply, _ = self.run_cell(cell)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertIn("Grid is a board of cells.", inspect("Grid"))
        self.assertIn("Alive counts the live cells of g.", inspect("Grid.Alive"))

        reply, _ = self.run_cell(cell.replace("a board of cells", "the game's board").replace(
            "// Alive counts the live cells of g.\n", ""))
        self.assertEqual(reply["content"]["status"], "ok")
        text = inspect("Grid")
        self.assertIn("Grid is the game's board.", text)
        self.assertNotIn("board of cells", text)
        self.assertEqual(inspect("Grid.Alive"), "func (g Grid) Alive() int\n")

    def test_inspect_unknown(self):
        self.flush_channels()
        msg_id = self.kc.inspect("noSuchNameAnywhere", 5)
        reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
        validate_message(reply, "inspect_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertFalse(reply["content"]["found"])

    def test_display_update(self):
        code = DISPLAY + 'h := display.NewHandle()\nh.HTML("<p>0%</p>")\nh.HTML("<p>100%</p>")'
        reply, msgs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok")
        kinds = [m["msg_type"] for m in msgs if m["msg_type"] in ("display_data", "update_display_data")]
        self.assertEqual(kinds, ["display_data", "update_display_data"])
        shown = [m for m in msgs if m["msg_type"] in ("display_data", "update_display_data")]
        ids = {m["content"]["transient"]["display_id"] for m in shown}
        self.assertEqual(len(ids), 1)
        self.assertEqual(shown[1]["content"]["data"]["text/html"], "<p>100%</p>")
        # A later cell updates the same output.
        reply, msgs = self.run_cell('h.HTML("<p>again</p>")')
        self.assertEqual(reply["content"]["status"], "ok")
        upd = [m for m in msgs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(upd), 1)
        self.assertEqual(upd[0]["content"]["transient"]["display_id"], ids.pop())

    def test_clear_output_wait(self):
        reply, msgs = self.run_cell(DISPLAY + "display.Clear(true)")
        clears = [m for m in msgs if m["msg_type"] == "clear_output"]
        self.assertEqual(len(clears), 1)
        self.assertTrue(clears[0]["content"]["wait"])

    def test_display_from_goroutine(self):
        code = DISPLAY + ('import "sync"\nvar wg sync.WaitGroup\nwg.Add(1)\n'
                          'go func() { defer wg.Done(); display.Markdown("*from a goroutine*") }()\nwg.Wait()')
        reply, msgs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok")
        shown = [m for m in msgs if m["msg_type"] == "display_data"]
        self.assertEqual(len(shown), 1)
        self.assertEqual(shown[0]["content"]["data"]["text/markdown"], "*from a goroutine*")
        self.assertEqual(shown[0]["parent_header"]["msg_id"], reply["parent_header"]["msg_id"])

    def test_display_after_cell_end(self):
        # A goroutine still running when its cell has ended displays into
        # that cell: the message carries the cell's parent header.
        code = DISPLAY + ('import "time"\n'
                          'go func() { time.Sleep(300 * time.Millisecond); display.HTML("<i>late</i>") }()')
        reply, msgs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok")
        late = [m for m in msgs if m["msg_type"] == "display_data"]
        deadline = time.time() + 10
        while not late and time.time() < deadline:
            try:
                m = self.kc.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                continue
            if m["msg_type"] == "display_data":
                late.append(m)
        self.assertEqual(len(late), 1, "no display_data from the goroutine")
        self.assertEqual(late[0]["content"]["data"]["text/html"], "<i>late</i>")
        self.assertEqual(late[0]["parent_header"]["msg_id"], reply["parent_header"]["msg_id"])

    def test_goroutine_output_attributed_to_its_cell(self):
        """Output of a goroutine that outlives its cell goes to the cell that
        started it, not to whichever cell runs at the time."""
        a, _ = self.run_cell(DISPLAY + 'import ("fmt"; "time")\n'
                             'go func() { time.Sleep(time.Second); fmt.Println("late line"); display.HTML("<i>late</i>") }()')
        b, msgs = self.run_cell("time.Sleep(2 * time.Second)")
        got = {}
        for m in msgs:
            if m["msg_type"] == "display_data":
                got["display"] = m["parent_header"]["msg_id"]
            if m["msg_type"] == "stream" and "late line" in m["content"]["text"]:
                got["stream"] = m["parent_header"]["msg_id"]
        deadline = time.time() + 3
        while len(got) < 2 and time.time() < deadline:
            try:
                m = self.kc.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                continue
            if m["msg_type"] == "display_data":
                got["display"] = m["parent_header"]["msg_id"]
            if m["msg_type"] == "stream" and "late line" in m["content"]["text"]:
                got["stream"] = m["parent_header"]["msg_id"]
        cell_a = a["parent_header"]["msg_id"]
        self.assertEqual(got, {"display": cell_a, "stream": cell_a})


if __name__ == "__main__":
    unittest.main()
