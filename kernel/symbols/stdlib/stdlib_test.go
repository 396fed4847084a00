package stdlib_test

import (
	"os/exec"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	yaegistdlib "github.com/traefik/yaegi/stdlib"

	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
)

// The generated tables hold what yaegi's do: the same packages, the same
// names, bound to the same values.
func TestSameAsYaegi(t *testing.T) {
	var want []string
	for k := range yaegistdlib.Symbols {
		if k != "." && k != "github.com/traefik/yaegi/stdlib/stdlib" {
			want = append(want, k)
		}
	}
	sort.Strings(want)
	if got := stdlib.Keys(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Keys() = %d packages, yaegi has %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for _, k := range want {
		got, ys := stdlib.Package(k), yaegistdlib.Symbols[k]
		if len(got) != len(ys) {
			t.Errorf("%s: %d names, yaegi has %d", k, len(got), len(ys))
			continue
		}
		for name, yv := range ys {
			v, ok := got[name]
			switch {
			case !ok:
				t.Errorf("%s: no %s", k, name)
			case v.Type().String() != yv.Type().String():
				t.Errorf("%s.%s: type %s, yaegi's is %s", k, name, v.Type(), yv.Type())
			case v.Kind() == reflect.Func && v.Pointer() != yv.Pointer() && funcName(v) != funcName(yv):
				// yaegi's wrappers (osExit for os.Exit) are copied.
				t.Errorf("%s.%s: %s, yaegi has %s", k, name, funcName(v), funcName(yv))
			}
		}
	}
	if len(stdlib.MapTypes) != len(yaegistdlib.MapTypes) {
		t.Errorf("MapTypes has %d entries, yaegi's %d", len(stdlib.MapTypes), len(yaegistdlib.MapTypes))
	}
}

// funcName returns the name of the function v without its package path:
// "stdlib.osExit" for yaegi's wrapper of os.Exit and for its copy here.
func funcName(v reflect.Value) string {
	name := runtime.FuncForPC(v.Pointer()).Name()
	return name[strings.LastIndexByte(name, '/')+1:]
}

// A package's map is built once, on the first call, and shared.
func TestPackageBuiltOnce(t *testing.T) {
	a, b := stdlib.Package("strings/strings"), stdlib.Package("strings/strings")
	if a == nil || reflect.ValueOf(a).Pointer() != reflect.ValueOf(b).Pointer() {
		t.Fatalf("Package returned %p then %p, want one map", a, b)
	}
	if v := a["ToUpper"]; !v.IsValid() || v.Interface().(func(string) string)("go") != "GO" {
		t.Fatalf("strings.ToUpper is %v", v)
	}
	if m := stdlib.Package("no/such"); m != nil {
		t.Fatalf("Package(no/such) = %v, want nil", m)
	}
}

func TestKeyOfAndExports(t *testing.T) {
	for p, want := range map[string]string{
		"fmt":          "fmt/fmt",
		"math/rand/v2": "math/rand/v2/rand",
		"go/build":     "go/build/build",
		"no/such":      "",
	} {
		if got := stdlib.KeyOf(p); got != want {
			t.Errorf("KeyOf(%q) = %q, want %q", p, got, want)
		}
	}
	e := stdlib.Exports("fmt", "math/rand/v2", "no/such")
	var keys []string
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{".", "fmt/fmt", "math/rand/v2/rand"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("Exports keys = %v, want %v", keys, want)
	}
	if !e["."]["MapTypes"].IsValid() {
		t.Fatal(`Exports has no MapTypes under "."`)
	}
}

// yaegi's stdlib package builds all its maps in init, in every process
// that links it; no package of the gopherlab command may import it.
func TestNoYaegiStdlib(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/gopherlab/gopherlab/kernel/cmd/gopherlab").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "github.com/traefik/yaegi/stdlib" {
			t.Fatal("the gopherlab command links github.com/traefik/yaegi/stdlib; use kernel/symbols/stdlib")
		}
	}
}

// TestTableForget: after Forget the table builds a map again, equal to
// the one it built before.
func TestTableForget(t *testing.T) {
	var tb stdlib.Table
	builds := 0
	tb.Set("p/p", func() map[string]reflect.Value {
		builds++
		return map[string]reflect.Value{"X": reflect.ValueOf(1)}
	})
	a := tb.Package("p/p")
	if tb.Package("p/p"); builds != 1 {
		t.Fatalf("%d builds for two calls, want 1", builds)
	}
	tb.Forget()
	b := tb.Package("p/p")
	if builds != 2 {
		t.Errorf("%d builds after Forget, want 2", builds)
	}
	if len(b) != 1 || b["X"].Int() != a["X"].Int() {
		t.Errorf("after Forget: %v, want %v", b, a)
	}
}
