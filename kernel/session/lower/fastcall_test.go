package lower

import (
	"reflect"
	"strings"
	"testing"
)

// TestFastCall checks which calls of package mp's methods Rewrite turns
// into conversions for kernel/symbols' hook, once the markers are
// registered, and that lines are kept.
func TestFastCall(t *testing.T) {
	AddSymbols(map[string]map[string]reflect.Value{mpPath + "/mp": {
		"_gopherlabLockLock":   reflect.ValueOf(0),
		"_gopherlabLockUnlock": reflect.ValueOf(0),
	}})
	const head = "package main\nimport (\"fmt\"; mpx \"github.com/gopherlab/gopherlab/runtime/mp\")\n"
	for _, c := range []struct{ in, want string }{
		{"func f(l *mpx.Lock) { l.Lock(); l.Unlock() }",
			"func f(l *mpx.Lock) { _ = (*mpx._gopherlabLockLock)(l); _ = (*mpx._gopherlabLockUnlock)(l) }"},
		{"func f(v *mpx.Value) {\n\tfor i := 0; i < 3; i++ {\n\t\tv.GetLock().Lock()\n\t}\n}",
			"func f(v *mpx.Value) {\n\tfor i := 0; i < 3; i++ {\n\t\t_ = (*mpx._gopherlabLockLock)(v.GetLock())\n\t}\n}"},
		// left alone: deferred, in a goroutine, no marker, not a statement,
		// across lines, a method value
		{"func f(l *mpx.Lock) { defer l.Unlock() }", ""},
		{"func f(l *mpx.Lock) { go l.Lock() }", ""},
		{"func f(l *mpx.RLock) { l.Lock() }", ""},
		{"func f(l *mpx.Lock) { fmt.Println(l.TryLock()) }", ""},
		{"func f(l *mpx.Lock) {\n\tl.\n\t\tLock()\n}", ""},
		{"func f(l *mpx.Lock) { g := l.Lock; g() }", ""},
	} {
		out, _, err := Rewrite([]byte(head+c.in+"\n"), nil)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		got := strings.TrimPrefix(string(out), head)
		switch {
		case c.want == "" && strings.Contains(got, "_gopherlab"):
			// Other lowerings may apply (a deferred call's receiver is
			// bound at the defer), this one not.
			t.Errorf("Rewrite(%q) made a fast call: %q", c.in, got)
		case c.want != "" && strings.TrimSpace(got) != c.want:
			t.Errorf("Rewrite(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if strings.Count(got, "\n") != strings.Count(c.in+"\n", "\n") {
			t.Errorf("%s: lines changed: %q", c.in, got)
		}
	}
}
