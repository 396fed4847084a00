// Writing and reading a file in a temporary directory.
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir, err := os.MkdirTemp("", "conformance")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(path, []byte("one\ntwo\nthree\n"), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		fmt.Println(n, sc.Text())
	}
	info, _ := os.Stat(path)
	fmt.Println(info.Name(), info.Size(), filepath.Ext(path))
	_, err = os.ReadFile(filepath.Join(dir, "missing.txt"))
	fmt.Println(os.IsNotExist(err))
}
