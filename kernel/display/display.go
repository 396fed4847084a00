package display

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"sync"
)

// MIME types of the Jupyter MIME bundles this package builds.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMESVG      = "image/svg+xml"
	MIMEPNG      = "image/png"
	MIMEJPEG     = "image/jpeg"
	MIMEJSON     = "application/json"
)

// Message is one rich output on its way to the frontend.
type Message struct {
	// Data is the MIME bundle: MIME type to content. Text formats are
	// strings, image/png is base64 text, application/json a JSON value.
	Data map[string]any
	// Metadata is the bundle's metadata, nil for none.
	Metadata map[string]any
	// ID is the display_id (transient.display_id), empty for none.
	ID string
	// Update marks an update_display_data of the earlier output with ID
	// instead of a new display_data.
	Update bool
}

// Sink receives the outputs of cells. The kernel's session implements it and
// installs it with [SetSink]. Its methods are called from any goroutine,
// concurrently.
type Sink interface {
	// Display sends one display_data or update_display_data.
	Display(m Message) error
	// Clear sends clear_output; with wait the frontend clears when the next
	// output arrives.
	Clear(wait bool) error
}

var (
	sinkMu sync.RWMutex
	sink   Sink
)

// SetSink installs the sink that receives every output of this package and
// returns the previous one. It is for the kernel's use: cells never call it.
// A nil sink restores the default, which prints plain text to standard
// output.
func SetSink(s Sink) (prev Sink) {
	sinkMu.Lock()
	defer sinkMu.Unlock()
	prev, sink = sink, s
	return prev
}

func send(m Message) {
	sinkMu.RLock()
	s := sink
	sinkMu.RUnlock()
	if s != nil {
		if err := s.Display(m); err == nil {
			return
		}
	}
	if t, ok := m.Data[MIMEText].(string); ok {
		fmt.Fprintln(os.Stdout, t)
	}
}

// HTML shows html, a fragment of HTML, below the cell.
func HTML(html string) { send(Message{Data: htmlBundle(html)}) }

// Markdown shows md rendered as Markdown below the cell.
func Markdown(md string) { send(Message{Data: markdownBundle(md)}) }

// SVG shows svg, the text of an SVG document, as an image below the cell.
func SVG(svg string) { send(Message{Data: svgBundle(svg)}) }

// PNG shows the PNG-encoded image data below the cell.
func PNG(data []byte) { send(Message{Data: pngBundle(data)}) }

// JPEG shows the JPEG-encoded image data below the cell.
func JPEG(data []byte) { send(Message{Data: jpegBundle(data)}) }

// Image encodes img as PNG and shows it below the cell.
func Image(img image.Image) { send(Message{Data: imageBundle(img)}) }

// JSON shows v as an interactive JSON tree in frontends that have one and as
// indented JSON text elsewhere. v is encoded with encoding/json.
func JSON(v any) { send(Message{Data: jsonBundle(v)}) }

// Text shows text as plain text below the cell, as a separate output rather
// than as part of the cell's standard output stream.
func Text(text string) { send(Message{Data: map[string]any{MIMEText: text}}) }

// Raw shows a MIME bundle built by the caller, for MIME types this package
// has no function for (for instance "text/latex"). data maps MIME types to
// contents; metadata may be nil. Include "text/plain" so that every frontend
// can show something.
func Raw(data, metadata map[string]any) { send(Message{Data: data, Metadata: metadata}) }

// Clear clears the output of the cell. With wait true the output is cleared
// only when the next output arrives, which avoids flicker in animations.
func Clear(wait bool) {
	sinkMu.RLock()
	s := sink
	sinkMu.RUnlock()
	if s != nil {
		s.Clear(wait)
	}
}

// A Handle is one output that can be replaced in place: the first output
// sent through it is displayed, each later one replaces it (Jupyter's
// display_id and update_display_data). It works across cells: a handle
// created in one cell can update its output from a later cell.
//
// The zero value for a Handle is ready to use and gets a fresh display id on
// first use. A Handle must not be copied after first use. Its methods may be
// called from several goroutines.
type Handle struct {
	mu    sync.Mutex
	id    string
	shown bool
}

// NewHandle returns a Handle with a fresh display id. Nothing is shown until
// its first output.
func NewHandle() *Handle {
	h := new(Handle)
	h.ID()
	return h
}

// ID returns the handle's display id.
func (h *Handle) ID() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.id == "" {
		h.id = newID()
	}
	return h.id
}

func (h *Handle) send(data map[string]any, metadata map[string]any) {
	h.mu.Lock()
	if h.id == "" {
		h.id = newID()
	}
	m := Message{Data: data, Metadata: metadata, ID: h.id, Update: h.shown}
	h.shown = true
	h.mu.Unlock()
	send(m)
}

// HTML shows or replaces the handle's output with html.
func (h *Handle) HTML(html string) { h.send(htmlBundle(html), nil) }

// Markdown shows or replaces the handle's output with Markdown md.
func (h *Handle) Markdown(md string) { h.send(markdownBundle(md), nil) }

// SVG shows or replaces the handle's output with the SVG document svg.
func (h *Handle) SVG(svg string) { h.send(svgBundle(svg), nil) }

// PNG shows or replaces the handle's output with PNG-encoded image data.
func (h *Handle) PNG(data []byte) { h.send(pngBundle(data), nil) }

// JPEG shows or replaces the handle's output with JPEG-encoded image data.
func (h *Handle) JPEG(data []byte) { h.send(jpegBundle(data), nil) }

// Image shows or replaces the handle's output with img encoded as PNG.
func (h *Handle) Image(img image.Image) { h.send(imageBundle(img), nil) }

// JSON shows or replaces the handle's output with v encoded as JSON.
func (h *Handle) JSON(v any) { h.send(jsonBundle(v), nil) }

// Text shows or replaces the handle's output with plain text.
func (h *Handle) Text(text string) { h.send(map[string]any{MIMEText: text}, nil) }

// Raw shows or replaces the handle's output with a MIME bundle built by the
// caller, as the package function [Raw] does.
func (h *Handle) Raw(data, metadata map[string]any) { h.send(data, metadata) }

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func htmlBundle(html string) map[string]any {
	return map[string]any{MIMEHTML: html, MIMEText: plainHTML(html)}
}

func markdownBundle(md string) map[string]any {
	return map[string]any{MIMEMarkdown: md, MIMEText: md}
}

func svgBundle(svg string) map[string]any {
	return map[string]any{MIMESVG: svg, MIMEText: "<SVG image>"}
}

func pngBundle(data []byte) map[string]any {
	text := "<PNG image>"
	if c, err := png.DecodeConfig(bytes.NewReader(data)); err == nil {
		text = fmt.Sprintf("<PNG image %dx%d>", c.Width, c.Height)
	}
	return map[string]any{MIMEPNG: base64.StdEncoding.EncodeToString(data), MIMEText: text}
}

func jpegBundle(data []byte) map[string]any {
	text := "<JPEG image>"
	if c, err := jpeg.DecodeConfig(bytes.NewReader(data)); err == nil {
		text = fmt.Sprintf("<JPEG image %dx%d>", c.Width, c.Height)
	}
	return map[string]any{MIMEJPEG: base64.StdEncoding.EncodeToString(data), MIMEText: text}
}

func imageBundle(img image.Image) map[string]any {
	if img == nil {
		return map[string]any{MIMEText: "display: Image called with a nil image"}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return map[string]any{MIMEText: fmt.Sprintf("display: encode image as PNG: %v", err)}
	}
	return pngBundle(buf.Bytes())
}

func jsonBundle(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return map[string]any{MIMEText: fmt.Sprintf("display: encode JSON: %v", err)}
	}
	// The bundle holds a JSON value, not its text; a round trip turns structs
	// into the maps and slices the wire encoder writes faithfully.
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return map[string]any{MIMEText: fmt.Sprintf("display: encode JSON: %v", err)}
	}
	var ind bytes.Buffer
	json.Indent(&ind, b, "", "  ")
	return map[string]any{MIMEJSON: tree, MIMEText: ind.String()}
}

// plainHTML returns the text of an HTML fragment without its tags, for
// frontends that show only text/plain.
func plainHTML(html string) string {
	var b strings.Builder
	in := false
	for _, r := range html {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	s := strings.TrimSpace(b.String())
	if s == "" {
		return "<HTML>"
	}
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&nbsp;", " ", "&amp;", "&")
	return r.Replace(s)
}
