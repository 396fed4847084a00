package display

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"reflect"
	"sync"
	"testing"
)

// recorder is a Sink that keeps what it receives.
type recorder struct {
	mu     sync.Mutex
	msgs   []Message
	clears []bool
}

func (r *recorder) Display(m Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recorder) Clear(wait bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clears = append(r.clears, wait)
	return nil
}

func record(t *testing.T) *recorder {
	t.Helper()
	r := new(recorder)
	prev := SetSink(r)
	t.Cleanup(func() { SetSink(prev) })
	return r
}

func testPNG(t *testing.T) (image.Image, []byte) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return img, buf.Bytes()
}

func TestFunctions(t *testing.T) {
	img, pngData := testPNG(t)
	b64 := base64.StdEncoding.EncodeToString(pngData)
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, img, nil); err != nil {
		t.Fatal(err)
	}
	jpegData := jb.Bytes()
	tests := []struct {
		name string
		call func()
		want map[string]any
	}{
		{"HTML", func() { HTML("<b>bold</b> &amp; <i>it</i>") },
			map[string]any{MIMEHTML: "<b>bold</b> &amp; <i>it</i>", MIMEText: "bold & it"}},
		{"Markdown", func() { Markdown("# Title") },
			map[string]any{MIMEMarkdown: "# Title", MIMEText: "# Title"}},
		{"SVG", func() { SVG("<svg/>") },
			map[string]any{MIMESVG: "<svg/>", MIMEText: "<SVG image>"}},
		{"PNG", func() { PNG(pngData) },
			map[string]any{MIMEPNG: b64, MIMEText: "<PNG image 3x2>"}},
		{"JPEG", func() { JPEG(jpegData) },
			map[string]any{MIMEJPEG: base64.StdEncoding.EncodeToString(jpegData), MIMEText: "<JPEG image 3x2>"}},
		{"Image", func() { Image(img) },
			map[string]any{MIMEPNG: b64, MIMEText: "<PNG image 3x2>"}},
		{"ImageNil", func() { Image(nil) },
			map[string]any{MIMEText: "display: Image called with a nil image"}},
		{"JSON", func() {
			JSON(struct {
				A int
				B []string
			}{1, []string{"x"}})
		},
			map[string]any{MIMEJSON: map[string]any{"A": 1.0, "B": []any{"x"}},
				MIMEText: "{\n  \"A\": 1,\n  \"B\": [\n    \"x\"\n  ]\n}"}},
		{"JSONError", func() { JSON(func() {}) },
			map[string]any{MIMEText: "display: encode JSON: json: unsupported type: func()"}},
		{"Text", func() { Text("plain") }, map[string]any{MIMEText: "plain"}},
		{"Raw", func() { Raw(map[string]any{"text/latex": "$x$", MIMEText: "x"}, nil) },
			map[string]any{"text/latex": "$x$", MIMEText: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := record(t)
			tt.call()
			if len(r.msgs) != 1 {
				t.Fatalf("got %d messages, want 1", len(r.msgs))
			}
			m := r.msgs[0]
			if !reflect.DeepEqual(m.Data, tt.want) {
				t.Errorf("data = %#v\nwant %#v", m.Data, tt.want)
			}
			if m.ID != "" || m.Update {
				t.Errorf("ID %q, Update %v; want none", m.ID, m.Update)
			}
		})
	}
}

func TestHandle(t *testing.T) {
	r := record(t)
	h := NewHandle()
	var zero Handle
	h.HTML("<p>0%</p>")
	h.HTML("<p>50%</p>")
	zero.Text("a")
	h.Markdown("done")
	zero.Text("b")
	if len(r.msgs) != 5 {
		t.Fatalf("got %d messages, want 5", len(r.msgs))
	}
	if h.ID() == "" || zero.ID() == "" || h.ID() == zero.ID() {
		t.Fatalf("ids %q and %q: want two distinct non-empty ids", h.ID(), zero.ID())
	}
	want := []struct {
		id     string
		update bool
		mime   string
	}{
		{h.ID(), false, MIMEHTML},
		{h.ID(), true, MIMEHTML},
		{zero.ID(), false, MIMEText},
		{h.ID(), true, MIMEMarkdown},
		{zero.ID(), true, MIMEText},
	}
	for i, w := range want {
		m := r.msgs[i]
		if m.ID != w.id || m.Update != w.update || m.Data[w.mime] == nil {
			t.Errorf("message %d = %+v; want id %s update %v with %s", i, m, w.id, w.update, w.mime)
		}
	}
}

func TestHandleConcurrent(t *testing.T) {
	r := record(t)
	h := NewHandle()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.Text("x")
		}()
	}
	wg.Wait()
	first := 0
	for _, m := range r.msgs {
		if !m.Update {
			first++
		}
	}
	if len(r.msgs) != 8 || first != 1 {
		t.Errorf("%d messages, %d not updates; want 8 and 1", len(r.msgs), first)
	}
}

func TestClear(t *testing.T) {
	r := record(t)
	Clear(true)
	Clear(false)
	if !reflect.DeepEqual(r.clears, []bool{true, false}) {
		t.Errorf("clears = %v, want [true false]", r.clears)
	}
}

type page struct{ title string }

func (p page) HTML() string   { return "<h1>" + p.title + "</h1>" }
func (p page) String() string { return "page " + p.title }

type chart struct{}

func (chart) SVG() string  { return "<svg/>" }
func (chart) PNG() []byte  { return []byte{1, 2, 3} }
func (chart) JPEG() []byte { return []byte{4} }

type doc struct{ n int }

func (d *doc) Markdown() string { return "*doc*" }

func TestBundle(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want map[string]any
	}{
		{"HTMLStringer", page{"T"}, map[string]any{MIMEHTML: "<h1>T</h1>", MIMEText: "page T"}},
		{"SVGPNGJPEG", chart{}, map[string]any{MIMESVG: "<svg/>", MIMEPNG: "AQID", MIMEJPEG: "BA==", MIMEText: "{}"}},
		{"PointerMarkdown", &doc{1}, map[string]any{MIMEMarkdown: "*doc*", MIMEText: "&{1}"}},
		{"ValueWithoutPointerMethod", doc{1}, nil},
		{"Int", 42, nil},
		{"Nil", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Bundle(tt.v)
			if ok != (tt.want != nil) || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Bundle(%#v) = %#v, %v; want %#v", tt.v, got, ok, tt.want)
			}
		})
	}
}

func TestBundleOf(t *testing.T) {
	// A value of an interpreted type arrives without methods; the session
	// finds them by name.
	v := struct{ X int }{7}
	methods := map[string]any{
		"HTML":   func() string { return "<b>7</b>" },
		"PNG":    func() []byte { return []byte("hi") },
		"SVG":    "not a method",
		"String": func() string { return "seven" },
	}
	got, ok := BundleOf(v, func(name string) any { return methods[name] })
	want := map[string]any{MIMEHTML: "<b>7</b>", MIMEPNG: "aGk=", MIMEText: "seven"}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("BundleOf = %#v, %v; want %#v", got, ok, want)
	}
	if got, ok := BundleOf(v, func(string) any { return nil }); ok || got != nil {
		t.Errorf("BundleOf without methods = %#v, %v; want nil, false", got, ok)
	}
	// The lookup wins over compiled methods.
	got, _ = BundleOf(page{"T"}, func(name string) any {
		if name == "HTML" {
			return func() string { return "<i>looked up</i>" }
		}
		return nil
	})
	if got[MIMEHTML] != "<i>looked up</i>" || got[MIMEText] != "page T" {
		t.Errorf("BundleOf(page) = %#v", got)
	}
}
