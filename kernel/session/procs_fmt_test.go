package session

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestChildPrintsDeclaredTypes runs a function that prints values of types
// declared in cells, and wraps and inspects their errors, in the kernel and
// in a child process: both print what go run prints for the same program.
func TestChildPrintsDeclaredTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	s := newProcsSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cells := []string{tutorialImports + `
import "errors"`, `type point struct{ x, y int }
type Celsius float64
func (c Celsius) String() string { return fmt.Sprintf("%.1f°C", float64(c)) }
type NotFound struct{ name string }
func (n NotFound) Error() string { return "not found: " + n.name }
func find(name string) error { return NotFound{name} }
func show() {
	p := point{1, 2}
	fmt.Printf("%v|%+v|%#v|%T\n", p, p, p, p)
	fmt.Println([]Celsius{1, 2.5}, map[string]point{"a": p})
	err := fmt.Errorf("lookup: %w", find("x"))
	var nf NotFound
	fmt.Println(err, errors.As(err, &nf), nf.name, errors.Is(err, NotFound{"x"}))
}`}
	for _, c := range cells {
		if out, err := runProcsCell(t, s, ctx, c); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	// What go run prints for show (testdata/gofmt.txt and goerrors.txt
	// check the same cases against go run).
	const want = "{1 2}|{x:1 y:2}|main.point{x:1, y:2}|main.point\n" +
		"[1.0°C 2.5°C] map[a:{1 2}]\n" +
		"lookup: not found: x true x true\n"
	out, err := runProcsCell(t, s, ctx, "show()")
	if err != nil || out != want {
		t.Fatalf("in the kernel: %v\n%q\nwant %q", err, out, want)
	}
	// In a function, so that no notebook variable holds the Process.
	out, err = runProcsCell(t, s, ctx, `func inChild() {
	p := mp.NewProcess(show)
	if err := p.Start(); err != nil {
		panic(err)
	}
	p.Join()
}
inChild()`)
	if err != nil || strings.ReplaceAll(out, "\r\n", "\n") != want {
		t.Fatalf("in a child: %v\n%q\nwant %q", err, out, want)
	}
}
