package symbols_test

import (
	"sync"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/display"
	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
	"github.com/traefik/yaegi/interp"
)

type recorder struct {
	mu   sync.Mutex
	msgs []display.Message
}

func (r *recorder) Display(m display.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recorder) Clear(wait bool) error { return nil }

func newInterp(t *testing.T) *interp.Interpreter {
	t.Helper()
	in := interp.New(interp.Options{})
	if err := in.Use(stdlib.Symbols()); err != nil {
		t.Fatal(err)
	}
	if err := in.Use(symbols.Symbols); err != nil {
		t.Fatal(err)
	}
	return in
}

func TestPackagesPresent(t *testing.T) {
	for _, path := range []string{
		"github.com/gopherlab/gopherlab/kernel/display/display",
		"github.com/gopherlab/gopherlab/runtime/mp/mp",
	} {
		if _, ok := symbols.Symbols[path]; !ok {
			t.Errorf("Symbols lacks %s", path)
		}
	}
}

// TestDisplayFromInterpreter runs display calls the way a cell does,
// including from a goroutine and with a type declared in the cell.
func TestDisplayFromInterpreter(t *testing.T) {
	r := new(recorder)
	prev := display.SetSink(r)
	defer display.SetSink(prev)

	in := newInterp(t)
	_, err := in.Eval(`
import "github.com/gopherlab/gopherlab/kernel/display"

type page struct{ title string }

func (p page) HTML() string { return "<h1>" + p.title + "</h1>" }
`)
	if err != nil {
		t.Fatal(err)
	}
	cells := []string{
		`display.HTML("<b>hi</b>")`,
		`h := display.NewHandle()`,
		`h.SVG("<svg/>"); h.SVG("<svg></svg>")`,
		`done := make(chan bool); go func() { display.Markdown("*go*"); done <- true }(); <-done`,
		`display.HTML(page{"T"}.HTML())`,
		`p := page{"U"}`,
	}
	for _, c := range cells {
		if _, err := in.Eval(c); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	want := []struct {
		mime, content string
		update        bool
	}{
		{display.MIMEHTML, "<b>hi</b>", false},
		{display.MIMESVG, "<svg/>", false},
		{display.MIMESVG, "<svg></svg>", true},
		{display.MIMEMarkdown, "*go*", false},
		{display.MIMEHTML, "<h1>T</h1>", false},
	}
	if len(r.msgs) != len(want) {
		t.Fatalf("got %d messages %+v, want %d", len(r.msgs), r.msgs, len(want))
	}
	for i, w := range want {
		m := r.msgs[i]
		if m.Data[w.mime] != w.content || m.Update != w.update {
			t.Errorf("message %d = %+v, want %s %q update %v", i, m, w.mime, w.content, w.update)
		}
	}

	// The final value of a cell of type page: the session looks its methods
	// up by name, as BundleOf documents.
	v, err := in.Eval(`p`)
	if err != nil {
		t.Fatal(err)
	}
	data, ok := display.BundleOf(v.Interface(), func(name string) any {
		f, err := in.Eval("p." + name)
		if err != nil {
			return nil
		}
		return f.Interface()
	})
	if !ok || data[display.MIMEHTML] != "<h1>U</h1>" {
		t.Errorf("BundleOf(p) = %#v, %v; want text/html <h1>U</h1>", data, ok)
	}
}

// TestMPFromInterpreter uses a shared lock from interpreted code through
// the generated bindings.
func TestMPFromInterpreter(t *testing.T) {
	in := newInterp(t)
	v, err := in.Eval(`
import "github.com/gopherlab/gopherlab/runtime/mp"

var lock = mp.NewLock()

func locked() bool {
	lock.Lock()
	defer lock.Unlock()
	return !lock.TryLock()
}
`)
	if err != nil {
		t.Fatal(err)
	}
	v, err = in.Eval("locked()")
	if err != nil {
		t.Fatal(err)
	}
	if !v.Bool() {
		t.Error("TryLock succeeded on a held mp.Lock")
	}
	v, err = in.Eval("lock.TryLock()")
	if err != nil || !v.Bool() {
		t.Errorf("TryLock on a free mp.Lock = %v, %v; want true", v, err)
	}
}

func TestGeneratedUpToDate(t *testing.T) {
	// Every exported function of display is bound.
	m := symbols.Symbols["github.com/gopherlab/gopherlab/kernel/display/display"]
	for _, name := range []string{"HTML", "Markdown", "SVG", "PNG", "Image", "JSON", "Text", "Raw", "Clear", "NewHandle", "Handle", "Sink", "Message", "SetSink", "Bundle", "BundleOf"} {
		if v, ok := m[name]; !ok || !v.IsValid() {
			t.Errorf("display.%s is not bound; run go generate ./kernel/symbols", name)
		}
	}
}
