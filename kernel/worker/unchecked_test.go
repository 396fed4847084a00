package worker

import (
	"strings"
	"testing"
)

func TestRewriteCellUnchecked(t *testing.T) {
	const imp = "import \"github.com/gopherlab/gopherlab/runtime/mp\"\n"
	for _, tc := range []struct{ cell, want string }{
		{imp + "p.Start()", imp + `mp.GopherlabChecked_("cell[7]:2", "p.Start()", p.Start)`},
		{imp + "q.Put(x)\nq.Put(f(y), 2)", imp + `mp.GopherlabChecked_("cell[7]:2", "q.Put(x)", q.Put, x)` + "\n" + `mp.GopherlabChecked_("cell[7]:3", "q.Put(f(y), 2)", q.Put, f(y), 2)`},
		{imp + "err := p.Start()", imp + "err := p.Start()"},
		{imp + "if err := q.Put(1); err != nil {}", imp + "if err := q.Put(1); err != nil {}"},
		{imp + `m := map[string]error{"a": q.Put(x)}`, imp + `m := map[string]error{"a": q.Put(x)}`},
		{imp + "v := T{q.Put(x)}", imp + "v := T{q.Put(x)}"},
		{imp + "func f() { q.Put(x) }", imp + `func f() { mp.GopherlabChecked_("cell[7]:2", "q.Put(x)", q.Put, x) }`},
		{imp + "switch {\ncase true: q.Put(1)\n}", imp + "switch {\ncase true: " + `mp.GopherlabChecked_("cell[7]:3", "q.Put(1)", q.Put, 1)` + "\n}"},
		{imp + "go p.Start()\ndefer q.Put(1)", imp + "go p.Start()\ndefer q.Put(1)"},
		{imp + "q.Put(xs...)", imp + "q.Put(xs...)"},
		{imp + "wg.Wait()", imp + "wg.Wait()"},
		{imp + `mp.SetStartMethod("spawn")`, imp + `mp.GopherlabChecked_("cell[7]:2", "mp.SetStartMethod(\"spawn\")", mp.SetStartMethod, "spawn")`},
		{imp + "qs[i].Put(v)", imp + `mp.GopherlabChecked_("cell[7]:2", "qs[i].Put(v)", qs[i].Put, v)`},
		{imp + "func work() {}\nmp.NewProcess(work).Start()", imp + "func work() {}\n" + `mp.GopherlabChecked_("cell[7]:3", "mp.NewProcess(work).Start()", mp.NewProcess(mp.GopherlabTarget_("work", work)).Start)`},
		{"p.Start()", "p.Start()"}, // no package mp
		{`mp.GopherlabChecked_("cell[7]:2", "p.Start()", p.Start)`, `mp.GopherlabChecked_("cell[7]:2", "p.Start()", p.Start)`},
	} {
		got := RewriteCell(tc.cell, "", 7)
		if got != tc.want {
			t.Errorf("RewriteCell(%q):\n got %q\nwant %q", tc.cell, got, tc.want)
		}
		if strings.Count(got, "\n") != strings.Count(tc.cell, "\n") {
			t.Errorf("RewriteCell(%q) changed the number of lines", tc.cell)
		}
	}
	// Package mp imported in an earlier cell, under another name.
	decls := "package main\n\nimport m \"github.com/gopherlab/gopherlab/runtime/mp\"\n"
	if got, want := RewriteCell("q.Put(1)", decls, 3), `m.GopherlabChecked_("cell[3]:1", "q.Put(1)", q.Put, 1)`; got != want {
		t.Errorf("aliased: %q, want %q", got, want)
	}
}
