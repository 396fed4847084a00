package complete

import (
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

const notebook = `package main

import (
	"fmt"
	"github.com/gopherlab/gopherlab/runtime/mp"
	str "strings"
)

// add adds value to number under lock.
func add(number *mp.Value, value int, lock *mp.Lock) {}

// Point is a point in the plane.
type Point struct{ X, Y int }

// Norm returns the Manhattan norm of p.
func (p Point) Norm() int { return p.X + p.Y }

var counter = 0

var lock *mp.Lock

var origin = Point{}

var sb str.Builder

var here = Point{1, 2}.Norm

const limit = 10

var _ = fmt.Sprint
var _ = str.ToUpper
`

// cursorIn splits a test input at "|": the code and the cursor in code points.
func cursorIn(s string) (string, int) {
	i := strings.Index(s, "|")
	return s[:i] + s[i+1:], len([]rune(s[:i]))
}

func TestComplete(t *testing.T) {
	tests := []struct {
		name   string
		cell   string // "|" marks the cursor
		source string
		want   []string // nil: no matches
		all    bool     // want is the full list, not a subset
		start  int      // offset back from the cursor
		end    int      // offset forward from the cursor
	}{
		{"StdMember", "import \"fmt\"\nfmt.Pri|", "", []string{"Print", "Printf", "Println"}, true, 3, 0},
		{"StdMemberFromNotebookImport", "fmt.Pri|", notebook, []string{"Print", "Printf", "Println"}, true, 3, 0},
		{"MidLine", "x := 1; fmt.Sprin|(x)", notebook, []string{"Sprint", "Sprintf", "Sprintln"}, true, 5, 0},
		{"MidWord", "fmt.Pri|nt(x)", notebook, []string{"Print", "Printf", "Println"}, true, 3, 2},
		{"MidWordIdent", "cou|nt", notebook, []string{"counter"}, true, 3, 2},
		{"UnicodeBefore", "s := \"héllo, 世界\"; fmt.Pri|", notebook, []string{"Print", "Printf", "Println"}, true, 3, 0},
		{"AllMembers", "fmt.|", notebook, []string{"Errorf", "Println", "Stringer"}, false, 0, 0},
		{"MPMember", "mp.NewL|", notebook, []string{"NewLock"}, false, 4, 0},
		{"DisplayMember", "import \"github.com/gopherlab/gopherlab/kernel/display\"\ndisplay.HT|", "", []string{"HTML", "HTMLer"}, true, 2, 0},
		{"AliasedImport", "str.ToU|", notebook, []string{"ToUpper", "ToUpperSpecial"}, true, 3, 0},
		{"UnimportedStdPackage", "strconv.Ato|", "", []string{"Atoi"}, true, 3, 0},
		{"NotebookFunc", "ad|", notebook, []string{"add"}, true, 2, 0},
		{"NotebookFuncAndBuiltin", "a|", notebook, []string{"add", "any", "append"}, true, 1, 0},
		{"NotebookVarAndConst", "li|", notebook, []string{"limit"}, true, 2, 0},
		{"NotebookType", "Poi|", notebook, []string{"Point"}, true, 3, 0},
		{"CellFunc", "func square(x int) int { return x * x }\nsq|", "", []string{"square"}, true, 2, 0},
		{"CellShortVar", "total, count := 0, 0\nto|", "", []string{"total"}, true, 2, 0},
		{"CellShortVarSecond", "total, count := 0, 0\ncou|", notebook, []string{"count", "counter"}, true, 3, 0},
		{"VarOfMPType", "lock.Unl|", notebook, []string{"Unlock"}, true, 3, 0},
		{"CellVarFromMPFunc", "p1 := mp.NewProcess(add, 1)\np1.St|", notebook, []string{"Start"}, false, 2, 0},
		{"CellVarFromStdFunc", "import \"time\"\nt0 := time.Now()\nt0.Unix|", "", []string{"Unix", "UnixMicro", "UnixMilli", "UnixNano"}, true, 4, 0},
		{"CellVarMethodChain", "import \"time\"\nd := time.Now().Sub(time.Now())\nd.Seco|", "", []string{"Seconds"}, true, 4, 0},
		{"VarOfStdTypeAliasedImport", "sb.Write|", notebook, []string{"Write", "WriteByte", "WriteRune", "WriteString"}, true, 5, 0},
		{"CellVarOfStdStruct", "import \"sync\"\nvar wg sync.WaitGroup\nwg.|", "", []string{"Add", "Done", "Go", "Wait"}, true, 0, 0},
		{"CellVarNew", "import \"strings\"\nb := new(strings.Builder)\nb.Le|", "", []string{"Len"}, true, 2, 0},
		{"StdStructFields", "import \"image\"\nr := image.Rect(0, 0, 1, 1)\nr.M|", "", []string{"Max", "Min"}, true, 1, 0},
		{"NotebookTypeFieldsAndMethods", "origin.|", notebook, []string{"Norm", "X", "Y"}, true, 0, 0},
		{"CellCompositeLit", "q := &Point{X: 1}\nq.N|", notebook, []string{"Norm"}, true, 1, 0},
		{"CallResult", "import \"time\"\ntime.Now().Unix|", "", []string{"Unix", "UnixMicro", "UnixMilli", "UnixNano"}, true, 4, 0},
		{"CallResultChain", "strings.NewReplacer(\"a\", \"b\").Repl|", "", []string{"Replace"}, true, 4, 0},
		{"VarMethodResult", "import \"time\"\nt0 := time.Now()\nt0.Add(time.Second).Unix|", "", []string{"Unix", "UnixMicro", "UnixMilli", "UnixNano"}, true, 4, 0},
		{"NotebookFuncResult", "origin.Norm().|", notebook, nil, true, 0, 0},
		{"UnbalancedCall", "x).|", notebook, nil, true, 0, 0},
		{"Keyword", "fo|", "", []string{"for"}, true, 2, 0},
		{"KeywordAndBuiltin", "ra|", "", []string{"range"}, true, 2, 0},
		{"Builtin", "pri|", "", []string{"print", "println"}, true, 3, 0},
		{"ImportName", "st|", notebook, []string{"str", "string", "struct"}, true, 2, 0},
		{"ImportPath", "import \"strc|", "", []string{"strconv"}, true, 4, 0},
		{"ImportPathGroup", "import (\n\t\"fmt\"\n\t\"math/ra|\n)", "", []string{"math/rand", "math/rand/v2"}, true, 7, 0},
		{"InString", "fmt.Println(\"fmt.Pri|", notebook, nil, true, 0, 0},
		{"InComment", "// fmt.Pri|", notebook, nil, true, 0, 0},
		{"UnknownQualifier", "nosuchpkg.Pri|", "", nil, true, 0, 0},
		{"NoPrefix", "|", notebook, nil, true, 0, 0},
		{"NothingMatches", "zzz|", notebook, nil, true, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, cursor := cursorIn(tt.cell)
			matches, start, end := Complete(code, cursor, tt.source)
			if end != cursor+tt.end {
				t.Errorf("end = %d, want %d", end, cursor+tt.end)
			}
			if start != cursor-tt.start {
				t.Errorf("start = %d, want %d", start, cursor-tt.start)
			}
			if tt.want == nil || tt.all {
				if !reflect.DeepEqual(matches, tt.want) {
					t.Errorf("matches = %q, want %q", matches, tt.want)
				}
				return
			}
			for _, w := range tt.want {
				found := false
				for _, m := range matches {
					found = found || m == w
				}
				if !found {
					t.Errorf("matches %q lack %q", matches, w)
				}
			}
		})
	}
}

// TestAcceptCompletion replaces [start, end) by a match, as a frontend
// does, and checks the resulting text.
func TestAcceptCompletion(t *testing.T) {
	code, cursor := cursorIn("s := \"π\"; fmt.Pri|")
	matches, start, end := Complete(code, cursor, notebook)
	rs := []rune(code)
	var got []string
	for _, m := range matches {
		got = append(got, string(rs[:start])+m+string(rs[end:]))
	}
	if len(got) != 3 || got[2] != "s := \"π\"; fmt.Println" {
		t.Errorf("accepting completions gives %q", got)
	}
}

func TestCompleteOddInput(t *testing.T) {
	for _, code := range []string{"", ".", "..", "\"", "`", "import", "import (", "import \"", "1.", "x.(", "\x00\xff"} {
		for c := -1; c <= len([]rune(code))+1; c++ {
			Complete(code, c, notebook)
			Inspect(code, c, 0, notebook)
		}
	}
}

func TestInspect(t *testing.T) {
	tests := []struct {
		name   string
		cell   string
		source string
		want   []string // substrings of text/plain; nil: not found
	}{
		{"StdFunc", "fmt.Print|ln(x)", notebook, []string{
			"package fmt // import \"fmt\"\n\nfunc Println(a ...any) (n int, err error)\n    Println formats using the default formats"}},
		{"StdFuncAtEnd", "fmt.Println|", notebook, []string{"func Println(a ...any)"}},
		{"InsideCall", "fmt.Println(1, |", notebook, []string{"func Println(a ...any)"}},
		{"InsideNestedCall", "fmt.Println(len(x), |", notebook, []string{"func Println(a ...any)"}},
		{"StdType", "var mu sync.Mu|tex", "", []string{"type Mutex struct", "A Mutex is a mutual exclusion lock", "func (m *Mutex) Lock()"}},
		{"StdMethod", "sync.Mutex.Lo|ck", "", []string{"func (m *Mutex) Lock()\n    Lock locks m."}},
		{"StdPackage", "import \"strings\"\nstrin|gs", "", []string{"Package strings implements simple functions"}},
		{"AliasedImport", "str.ToUp|per", notebook, []string{"func ToUpper(s string) string"}},
		{"MPFunc", "mp.NewLo|ck()", notebook, []string{"package mp // import \"github.com/gopherlab/gopherlab/runtime/mp\"", "func NewLock() *Lock"}},
		{"DisplayFunc", "import \"github.com/gopherlab/gopherlab/kernel/display\"\ndisplay.HTML(|", "", []string{"func HTML(html string)\n    HTML shows html"}},
		{"NotebookFunc", "ad|d(n, 1, l)", notebook, []string{"func add(number *mp.Value, value int, lock *mp.Lock)\n    add adds value to number under lock.\n"}},
		{"NotebookType", "p := Poi|nt{}", notebook, []string{"type Point struct{ X, Y int }\n    Point is a point in the plane."}},
		{"NotebookMethod", "Point.No|rm", notebook, []string{"func (p Point) Norm() int\n    Norm returns the Manhattan norm of p."}},
		{"NotebookVar", "cou|nter++", notebook, []string{"var counter = 0"}},
		{"CellFunc", "// twice doubles x.\nfunc twice(x int) int { return 2 * x }\ntwi|ce(3)", "", []string{"func twice(x int) int\n    twice doubles x."}},
		{"CellShortVar", "total := 41 + 1\ntot|al", "", []string{"total := 41 + 1"}},
		{"Builtin", "le|n(x)", "", []string{"func len(v Type) int", "The len built-in function returns the length of v"}},
		{"VarMethod", "lock.Unlo|ck()", notebook, []string{"package mp // import \"github.com/gopherlab/gopherlab/runtime/mp\"", "func (l *Lock) Unlock()"}},
		{"CellVarStdMethod", "import \"strings\"\nvar b strings.Builder\nb.WriteStr|ing(\"x\")", "", []string{"func (b *Builder) WriteString(s string) (int, error)"}},
		{"NotebookVarMethod", "origin.No|rm()", notebook, []string{"func (p Point) Norm() int"}},
		{"CallResultMethod", "import \"time\"\ntime.Now().Un|ix()", "", []string{"package time // import \"time\"\n\nfunc (t Time) Unix() int64"}},
		{"CallResultUnknownMethod", "import \"time\"\ntime.Now().No|pe()", "", nil},
		{"Unknown", "nosuch|thing", notebook, nil},
		{"Nothing", "  |  ", notebook, nil},
		{"Keyword", "fo|r", notebook, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, cursor := cursorIn(tt.cell)
			data, found := Inspect(code, cursor, 0, tt.source)
			if tt.want == nil {
				if found || data != nil {
					t.Errorf("Inspect = %q, %v; want nothing", data, found)
				}
				return
			}
			text, _ := data["text/plain"].(string)
			if !found {
				t.Fatalf("not found")
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("text/plain lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

// TestInspectMatchesGoDoc compares with the go command's own output.
func TestInspectMatchesGoDoc(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go doc; skipped under -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	for _, name := range []string{"fmt.Println", "strings.Builder", "sync.Mutex.Lock", "os.ReadFile"} {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command("go", "doc", name).Output()
			if err != nil {
				t.Skipf("go doc %s: %v", name, err)
			}
			code := name
			data, found := Inspect(code, len(code), 0, "")
			if !found {
				t.Fatalf("Inspect(%s) found nothing", name)
			}
			got := strings.TrimSpace(data["text/plain"].(string))
			if want := strings.TrimSpace(string(out)); got != want {
				t.Errorf("Inspect(%s):\n%s\n\ngo doc:\n%s", name, got, want)
			}
		})
	}
}
