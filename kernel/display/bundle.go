package display

import (
	"encoding/base64"
	"fmt"
)

// HTMLer is implemented by values that render themselves as HTML.
type HTMLer interface {
	HTML() string
}

// Markdowner is implemented by values that render themselves as Markdown.
type Markdowner interface {
	Markdown() string
}

// SVGer is implemented by values that render themselves as an SVG image.
type SVGer interface {
	SVG() string
}

// PNGer is implemented by values that render themselves as a PNG image.
type PNGer interface {
	PNG() []byte
}

// JPEGer is implemented by values that render themselves as a JPEG image.
type JPEGer interface {
	JPEG() []byte
}

// Bundle returns the MIME bundle of a value that renders itself: one entry
// for each of the methods HTML, Markdown, SVG, PNG and JPEG its type has
// (see [HTMLer], [Markdowner], [SVGer], [PNGer], [JPEGer]) plus "text/plain"
// from its String method or else its %v formatting. ok is false, and the
// bundle nil, when v has none of these methods.
//
// Bundle sees the methods of compiled types only. A value of a type declared
// in a cell reaches compiled code without its methods (a limitation of the
// interpreter); use [BundleOf] with a method lookup for those.
func Bundle(v any) (data map[string]any, ok bool) {
	return BundleOf(v, nil)
}

// BundleOf is [Bundle] for values whose methods compiled code cannot see,
// such as values of types declared in a notebook cell. method returns the
// method value of v named name (a func() string or func() []byte), or nil
// when v has no such method. The kernel's session implements it by
// evaluating, for instance, "v.HTML" in the interpreter. Methods found by
// method take precedence over those Bundle would find. A panic in one of v's
// methods propagates to the caller.
func BundleOf(v any, method func(name string) any) (data map[string]any, ok bool) {
	lookup := func(name string) any {
		if method != nil {
			if f := method(name); f != nil {
				return f
			}
		}
		return compiledMethod(v, name)
	}
	data = map[string]any{}
	for _, k := range []struct{ method, mime string }{
		{"HTML", MIMEHTML},
		{"Markdown", MIMEMarkdown},
		{"SVG", MIMESVG},
	} {
		if f, isFunc := lookup(k.method).(func() string); isFunc {
			data[k.mime] = f()
		}
	}
	for _, k := range []struct{ method, mime string }{
		{"PNG", MIMEPNG},
		{"JPEG", MIMEJPEG},
	} {
		if f, isFunc := lookup(k.method).(func() []byte); isFunc {
			data[k.mime] = base64.StdEncoding.EncodeToString(f())
		}
	}
	if len(data) == 0 {
		return nil, false
	}
	if f, isFunc := lookup("String").(func() string); isFunc {
		data[MIMEText] = f()
	} else {
		data[MIMEText] = fmt.Sprint(v)
	}
	return data, true
}

// compiledMethod returns the method value of v named name when v's compiled
// type has it.
func compiledMethod(v any, name string) any {
	switch name {
	case "HTML":
		if r, ok := v.(HTMLer); ok {
			return r.HTML
		}
	case "Markdown":
		if r, ok := v.(Markdowner); ok {
			return r.Markdown
		}
	case "SVG":
		if r, ok := v.(SVGer); ok {
			return r.SVG
		}
	case "PNG":
		if r, ok := v.(PNGer); ok {
			return r.PNG
		}
	case "JPEG":
		if r, ok := v.(JPEGer); ok {
			return r.JPEG
		}
	case "String":
		if r, ok := v.(fmt.Stringer); ok {
			return r.String
		}
	}
	return nil
}
