package worker

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
	"github.com/traefik/yaegi/interp"
)

const declsAdd = `package main

import (
	"fmt"
	"github.com/gopherlab/gopherlab/runtime/mp"
)

func add(number int, value int, lock *mp.Lock) { fmt.Println(number) }

type T struct{}

func (T) M() {}
`

func TestRewrite(t *testing.T) {
	tests := []struct {
		name, decls, cell, want string
	}{
		{"top-level func", declsAdd,
			"p1 := mp.NewProcess(add, number, 1, lock)",
			`p1 := mp.NewProcess(mp.GopherlabTarget_("add", add), number, 1, lock)`},
		{"no args", declsAdd,
			"p := mp.NewProcess(add)\np.Start()",
			"p := mp.NewProcess(mp.GopherlabTarget_(\"add\", add))\np.Start()"},
		{"declared in the cell", "",
			"import \"github.com/gopherlab/gopherlab/runtime/mp\"\nfunc work() {}\np := mp.NewProcess(work)",
			"import \"github.com/gopherlab/gopherlab/runtime/mp\"\nfunc work() {}\np := mp.NewProcess(mp.GopherlabTarget_(\"work\", work))"},
		{"import group and function in the cell", "",
			"import (\n\t\"fmt\"\n\t\"github.com/gopherlab/gopherlab/runtime/mp\"\n)\n\nfunc nap() { fmt.Println() }\n\np := mp.NewProcess(nap)",
			"import (\n\t\"fmt\"\n\t\"github.com/gopherlab/gopherlab/runtime/mp\"\n)\n\nfunc nap() { fmt.Println() }\n\np := mp.NewProcess(mp.GopherlabTarget_(\"nap\", nap))"},
		{"alias", "",
			"import m \"github.com/gopherlab/gopherlab/runtime/mp\"\nfunc work() {}\np := m.NewProcess(work)",
			"import m \"github.com/gopherlab/gopherlab/runtime/mp\"\nfunc work() {}\np := m.NewProcess(m.GopherlabTarget_(\"work\", work))"},
		{"inside a function", declsAdd,
			"func main() {\n\tp := mp.NewProcess(add, 0, 1, nil)\n\tp.Start()\n}",
			"func main() {\n\tp := mp.NewProcess(mp.GopherlabTarget_(\"add\", add), 0, 1, nil)\n\tp.Start()\n}"},
		{"closure variable", declsAdd,
			"f := func() {}\np := mp.NewProcess(f)",
			"f := func() {}\np := mp.NewProcess(mp.GopherlabTarget_(\"!var f\", f))"},
		{"function literal over lines", declsAdd,
			"p := mp.NewProcess(func(n int) {\n\tfmt.Println(n)\n}, 3)",
			"p := mp.NewProcess(mp.GopherlabTarget_(\"!literal func(n int) { fmt.Println(n) }\", func(n int) {\n\tfmt.Println(n)\n}), 3)"},
		{"method value", declsAdd,
			"var v T\np := mp.NewProcess(v.M)",
			"var v T\np := mp.NewProcess(mp.GopherlabTarget_(\"!method v.M\", v.M))"},
		{"package function", declsAdd,
			"p := mp.NewProcess(fmt.Println, 1)",
			"p := mp.NewProcess(mp.GopherlabTarget_(\"fmt.Println\", fmt.Println), 1)"},
		{"other calls untouched", declsAdd,
			"l := mp.NewLock()\nfmt.Println(add)",
			"l := mp.NewLock()\nfmt.Println(add)"},
		{"not the package", declsAdd,
			"x.mp.NewProcess(add)",
			"x.mp.NewProcess(add)"},
		{"already marked", declsAdd,
			`p := mp.NewProcess(mp.GopherlabTarget_("add", add))`,
			`p := mp.NewProcess(mp.GopherlabTarget_("add", add))`},
		{"does not scan", declsAdd,
			"p := mp.NewProcess(add, `unterminated",
			"p := mp.NewProcess(add, `unterminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Rewrite(tt.cell, tt.decls)
			if got != tt.want {
				t.Errorf("Rewrite:\n got %q\nwant %q", got, tt.want)
			}
			if strings.Count(got, "\n") != strings.Count(tt.cell, "\n") {
				t.Errorf("Rewrite changed the number of lines")
			}
		})
	}
}

// TestResolve runs rewritten cells in a real interpreter whose mp.NewProcess
// resolves its target as the kernel's launcher does.
func TestResolve(t *testing.T) {
	var names []string
	var errs []error
	newProcess := func(target any, args ...any) {
		name, err := Resolve(reflect.ValueOf(target))
		names = append(names, name)
		errs = append(errs, err)
	}
	in := interp.New(interp.Options{})
	if err := in.Use(stdlib.Symbols()); err != nil {
		t.Fatal(err)
	}
	if err := in.Use(interp.Exports{MPPath + "/mp": {"NewProcess": reflect.ValueOf(newProcess)}}); err != nil {
		t.Fatal(err)
	}
	if err := in.Use(Symbols); err != nil {
		t.Fatal(err)
	}
	decls := ""
	eval := func(cell string) {
		t.Helper()
		src := Rewrite(cell, decls)
		if _, err := in.Eval(src); err != nil {
			t.Fatalf("eval %q: %v", src, err)
		}
		decls += "\n" + cell
	}
	eval(`import "github.com/gopherlab/gopherlab/runtime/mp"`)
	eval(`import "strings"`)
	decls = "package main\nimport \"github.com/gopherlab/gopherlab/runtime/mp\"\nimport \"strings\"\n"
	eval(`func add(a, b int) {}`)
	decls += "func add(a, b int) {}\n"
	eval(`type T struct{}`)
	eval(`func (T) M() {}`)
	eval(`mp.NewProcess(add, 1, 2)`)
	eval(`var saved = add`)
	eval(`mp.NewProcess(saved, 1, 2)`)
	eval(`mp.NewProcess(func() {})`)
	eval(`mp.NewProcess(T{}.M)`)
	eval(`mp.NewProcess(strings.ToUpper, "x")`)
	eval(`func run() { mp.NewProcess(add, 3, 4) }`)
	eval(`run()`)

	want := []struct{ name, err string }{
		{"add", ""},
		{"", "saved is a variable"},
		{"", "function literal"},
		{"", "method value"},
		{"strings.ToUpper", ""},
		{"add", ""},
	}
	if len(names) != len(want) {
		t.Fatalf("got %d calls, want %d", len(names), len(want))
	}
	for i, w := range want {
		if names[i] != w.name {
			t.Errorf("call %d: name %q, want %q", i, names[i], w.name)
		}
		if w.err == "" && errs[i] != nil || w.err != "" && (errs[i] == nil || !strings.Contains(errs[i].Error(), w.err)) {
			t.Errorf("call %d: error %v, want one containing %q", i, errs[i], w.err)
		}
	}
	// Without the rewrite, a function value is refused too.
	if _, err := in.Eval(`mp.NewProcess(add)`); err != nil {
		t.Fatal(err)
	}
	if err := errs[len(errs)-1]; err == nil || !strings.Contains(err.Error(), "by its name") {
		t.Errorf("untagged target: error %v", err)
	}
	// Every tag was looked up: nothing keeps the cells' functions alive.
	taggedMu.Lock()
	n := len(tagged)
	taggedMu.Unlock()
	if n != 0 {
		t.Errorf("%d tagged targets remembered after their processes were made, want 0", n)
	}
}
