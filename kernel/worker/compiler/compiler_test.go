package compiler

import (
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/internal/goroot"
	"github.com/gopherlab/gopherlab/kernel/internal/srctree"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

// notebook is declarations as session.Source writes them: //line
// directives, variables without initialisers, and what a notebook allows
// but the compiler does not.
const notebook = `package main

import (
	"fmt"
	"os"
	"strings"
	str "strings"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

//line cell[1]:3
type point struct{ x, y int }

//line cell[1]:4
var origin point

//line cell[2]:1
var counter *mp.Value

//line cell[2]:2
func work(n *mp.Value, times int) {
	unused := 1
	for i := 0; i < times; i++ {
		n.Add(1)
	}
	if v, err := fmt.Println("work ran"); true {
	}
	for k, v := range map[int]int{1: 2} {
	}
	var any interface{} = 3
	switch t := any.(type) {
	case int:
	case string:
	}
}

//line cell[3]:1
func main() {
	fmt.Println("the notebook's main")
}

//line cell[3]:4
func callsMain() { main() }
`

func TestProgramCompiles(t *testing.T) {
	prog, err := Program(notebook)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`_ "os"`, `_ "strings"`, "func " + MainRenamed + "()", "func callsMain() { " + MainRenamed + "() }",
		`"work": work`, `"main": ` + MainRenamed, `"counter": &counter`, `"origin": &origin`, `"point": __gl_reflect.TypeFor[point]()`,
		"//line cell[2]:2\n", "unused := 1; _ = unused",
	} {
		if !strings.Contains(prog, want) {
			t.Errorf("program lacks %q:\n%s", want, prog)
		}
	}
	if strings.Count(prog, "\n") < strings.Count(notebook, "\n") {
		t.Errorf("lines moved")
	}
	// Lines stay: the declaration of work is still on its line.
	lines := strings.Split(prog, "\n")
	orig := strings.Split(notebook, "\n")
	for i, l := range orig {
		if strings.HasPrefix(l, "func work(") && !strings.HasPrefix(lines[i], "func work(") {
			t.Errorf("line %d is %q, want the declaration of work", i+1, lines[i])
		}
	}
}

func TestProgramRefusesBrokenDeclarations(t *testing.T) {
	_, err := Program("package main\nfunc f() int { return \"s\" }\n")
	if err == nil || !strings.Contains(err.Error(), "do not compile") {
		t.Errorf("err = %v, want one saying the declarations do not compile", err)
	}
}

func newBuilder(t *testing.T) *Builder {
	t.Helper()
	if testing.Short() {
		t.Skip("builds programs with the go command")
	}
	var lines []string
	b, err := NewBuilder(t.TempDir(), srctree.Dir(), goroot.GoCommand(), func(s string) { lines = append(lines, s) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, l := range lines {
			t.Log(l)
		}
	})
	return b
}

func wait(t *testing.T, bd *Build) {
	t.Helper()
	select {
	case <-bd.Done():
	case <-time.After(5 * time.Minute):
		t.Fatal("build did not end")
	}
}

// launcher runs targets in a compiled worker, by name, as the kernel's
// launcher does.
type launcher struct{ bin string }

func (l launcher) Name(target reflect.Value) (string, error) { return "work", nil }
func (l launcher) Command() (*exec.Cmd, error) {
	cmd := exec.Command(l.bin)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd, nil
}

func TestBuildAndRun(t *testing.T) {
	b := newBuilder(t)
	bd := b.Request(notebook)
	if again := b.Request(notebook); again != bd {
		t.Error("a second request for the same declarations started another build")
	}
	wait(t, bd)
	if bd.Err != nil {
		t.Fatal(bd.Err)
	}
	t.Logf("program %v, go build %v", bd.Generate, bd.Compile)
	if b.Binary(notebook) != bd.Bin {
		t.Errorf("Binary = %q, want %q", b.Binary(notebook), bd.Bin)
	}
	out, err := exec.Command(bd.Bin).CombinedOutput()
	if code := exitCode(err); code != 2 || !strings.Contains(string(out), "the kernel starts it") {
		t.Errorf("run directly: exit %d, %q", code, out)
	}

	// A child runs the target compiled, sharing the Value.
	mp.SetLauncher(launcher{bd.Bin})
	defer mp.SetLauncher(nil)
	n := mp.NewValue("i", 0)
	p := mp.NewProcess(func(*mp.Value, int) {}, n, 1000)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	if got := n.Load(); got != 1000 {
		t.Errorf("the child added %d, want 1000", got)
	}

	// The same declarations again (another kernel): the binary is reused.
	b2, err := NewBuilder(b.cache, b.srcTree, b.goCmd, nil)
	if err != nil {
		t.Fatal(err)
	}
	bd2 := b2.Request(notebook)
	wait(t, bd2)
	if !bd2.Cached || bd2.Bin != bd.Bin {
		t.Errorf("second builder: cached %v, bin %q; want the first binary %q", bd2.Cached, bd2.Bin, bd.Bin)
	}
}

func TestNewerDeclarationsCancelOlder(t *testing.T) {
	b := newBuilder(t)
	first := b.Request(notebook)
	second := b.Request(notebook + "\nfunc more() {}\n")
	wait(t, first)
	wait(t, second)
	if second.Err != nil {
		t.Fatal(second.Err)
	}
	if first.Err == nil && first.Bin == "" {
		t.Error("first build neither failed nor built")
	}
	if b.Binary(notebook+"\nfunc more() {}\n") == "" {
		t.Error("the newer declarations have no binary")
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestMain(m *testing.M) {
	mp.Main()
	os.Exit(m.Run())
}

func TestNeeded(t *testing.T) {
	src := `package main

import "github.com/gopherlab/gopherlab/runtime/mp"

//line cell[1]:1
var limit int

// lock is shared.
//line cell[1]:2
var lock *mp.Lock

//line cell[2]:1
var p *mp.Process

//line cell[2]:2
var helper = limit

//line cell[3]:1
func show() { lock.Lock(); lock.Unlock(); _ = helper }
`
	got := Needed(src)
	for _, want := range []string{"var limit int", "var lock *mp.Lock", "// lock is shared.\n//line cell[1]:2\n", "var helper", "func show()"} {
		if !strings.Contains(got, want) {
			t.Errorf("Needed lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "var p ") || strings.Contains(got, "cell[2]:1") {
		t.Errorf("Needed keeps p, which no function uses:\n%s", got)
	}
	if Needed(src+"\n//line cell[4]:1\nvar q *mp.Process\n") != got {
		t.Error("a new variable no function uses changed Needed")
	}
}
