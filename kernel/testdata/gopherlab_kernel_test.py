"""jupyter_kernel_test checks of the gopherlab kernel with Go samples.

Run from kernel_test (go test ./kernel/ -run Jupyter) with JUPYTER_PATH
pointing at a prefix where `gopherlab install --prefix` put the kernelspec:

    JUPYTER_PATH=PREFIX/share/jupyter /usr/bin/python3 -m unittest -v gopherlab_kernel_test
"""

import unittest

import jupyter_kernel_test


class GopherlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "gopherlab"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'import "fmt"\nfmt.Println("hello, world")'
    code_stderr = 'import (\n\t"fmt"\n\t"os"\n)\nfmt.Fprintln(os.Stderr, "oops")'
    code_generate_error = 'panic("boom")'
    code_execute_result = [
        {"code": "1+1", "result": "2"},
        {"code": "6*7", "result": "42"},
        {"code": '"go" + "pher"', "result": '"gopher"'},
    ]
    code_history_pattern = "6?7"
    supported_history_operations = ("tail", "range", "search")

    complete_code_samples = ["1+1", 'import "fmt"', "x := 3", "func f() int { return 1 }",
                             'import "fmt"\nfmt.Println(1)']
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", "x := []int{1,\n2,", "x := 1 +"]
    invalid_code_samples = ["func f() }", "x := )", "x := )(", "x := 1 + / 2"]


if __name__ == "__main__":
    unittest.main()
