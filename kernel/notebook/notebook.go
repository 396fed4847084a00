package notebook

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Cell types of nbformat 4.
const (
	Code     = "code"
	Markdown = "markdown"
	Raw      = "raw"
)

// Output types of nbformat 4.
const (
	Stream        = "stream"
	DisplayData   = "display_data"
	ExecuteResult = "execute_result"
	ErrorOutput   = "error"
)

// RaisesException is Jupyter's standard cell tag marking a cell that is
// expected to fail: its error does not stop the run nor make it fail.
const RaisesException = "raises-exception"

// A Notebook is an nbformat 4 document. The zero value is an empty notebook
// that Marshal writes as nbformat 4.5. A Notebook is not safe for concurrent
// use.
type Notebook struct {
	Cells    []*Cell
	Metadata map[string]any
	// Format and Minor are nbformat and nbformat_minor. Marshal writes at
	// least 4.5, the first version with cell ids.
	Format, Minor int
}

// A Cell is one notebook cell.
type Cell struct {
	Type     string // Code, Markdown or Raw
	ID       string // cell id, unique in the notebook
	Metadata map[string]any
	Source   string
	// ExecutionCount is the cell's execution count, 0 when not executed.
	// Only code cells have one.
	ExecutionCount int
	// Outputs of a code cell, in the order they were produced.
	Outputs []*Output
	// Attachments of markdown and raw cells, kept as read.
	Attachments map[string]any
}

// An Output is one output of a code cell in Jupyter's format. Which fields
// are used depends on Type: Name and Text for Stream; Data, Metadata (and
// ExecutionCount for ExecuteResult) for DisplayData and ExecuteResult;
// EName, EValue and Traceback for ErrorOutput.
type Output struct {
	Type           string
	Name           string // stream name: "stdout" or "stderr"
	Text           string
	Data           map[string]any
	Metadata       map[string]any
	ExecutionCount int
	EName, EValue  string
	Traceback      []string

	// displayID is the transient display id, used to apply updates while
	// the notebook runs; it is not written.
	displayID string
}

// Tags returns the cell's tags (metadata "tags").
func (c *Cell) Tags() []string {
	list, _ := c.Metadata["tags"].([]any)
	var tags []string
	for _, t := range list {
		if s, ok := t.(string); ok {
			tags = append(tags, s)
		}
	}
	return tags
}

// HasTag reports whether the cell carries tag.
func (c *Cell) HasTag(tag string) bool {
	for _, t := range c.Tags() {
		if t == tag {
			return true
		}
	}
	return false
}

// ReadFile reads and parses the notebook in file name.
func ReadFile(name string) (*Notebook, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("notebook: %w", err)
	}
	nb, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("notebook: %s: %w", name, err)
	}
	return nb, nil
}

// WriteFile writes nb to file name in nbformat 4.5 JSON.
func WriteFile(name string, nb *Notebook) error {
	data, err := nb.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("notebook: %w", err)
	}
	return nil
}

type jsonNotebook struct {
	Cells         []jsonCell     `json:"cells"`
	Metadata      map[string]any `json:"metadata"`
	NBFormat      int            `json:"nbformat"`
	NBFormatMinor int            `json:"nbformat_minor"`
}

type jsonCell struct {
	CellType       string           `json:"cell_type"`
	ID             string           `json:"id"`
	Metadata       map[string]any   `json:"metadata"`
	Source         multiline        `json:"source"`
	ExecutionCount *int             `json:"execution_count"`
	Outputs        []map[string]any `json:"outputs"`
	Attachments    map[string]any   `json:"attachments"`
}

// multiline is nbformat's multi-line string: a string or a list of lines.
type multiline string

func (m *multiline) UnmarshalJSON(b []byte) error {
	s, err := joinLines(b)
	*m = multiline(s)
	return err
}

func joinLines(b []byte) (string, error) {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		return s, nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return "", fmt.Errorf("want a string or a list of strings: %w", err)
	}
	return strings.Join(lines, ""), nil
}

// validID matches a valid nbformat cell id: 1 to 64 of [a-zA-Z0-9_-]. It is
// a function rather than a compiled regexp because compiling `{1,64}` at
// package init costs the kernel's start a millisecond.
var validID idPattern

type idPattern struct{}

// MatchString reports whether id is a valid cell id.
func (idPattern) MatchString(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Parse parses an nbformat 4 notebook. Multi-line strings are joined; cells
// without a valid id (nbformat before 4.5) get one derived from their index
// and source.
func Parse(data []byte) (*Notebook, error) {
	var jn jsonNotebook
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&jn); err != nil {
		return nil, fmt.Errorf("not a notebook: %w", err)
	}
	if jn.NBFormat != 4 {
		return nil, fmt.Errorf("nbformat %d is not supported (want 4)", jn.NBFormat)
	}
	nb := &Notebook{Metadata: jn.Metadata, Format: jn.NBFormat, Minor: jn.NBFormatMinor}
	seen := map[string]bool{}
	for i, jc := range jn.Cells {
		c := &Cell{
			Type:        jc.CellType,
			ID:          jc.ID,
			Metadata:    jc.Metadata,
			Source:      string(jc.Source),
			Attachments: jc.Attachments,
		}
		switch c.Type {
		case Code, Markdown, Raw:
		default:
			return nil, fmt.Errorf("cell %d: unknown cell type %q", i+1, c.Type)
		}
		if !validID.MatchString(c.ID) || seen[c.ID] {
			c.ID = NewID(fmt.Sprintf("%d\x00%s", i, c.Source))
		}
		seen[c.ID] = true
		if jc.ExecutionCount != nil {
			c.ExecutionCount = *jc.ExecutionCount
		}
		for j, jo := range jc.Outputs {
			o, err := parseOutput(jo)
			if err != nil {
				return nil, fmt.Errorf("cell %d output %d: %w", i+1, j+1, err)
			}
			c.Outputs = append(c.Outputs, o)
		}
		nb.Cells = append(nb.Cells, c)
	}
	return nb, nil
}

// NewID returns a cell id derived from seed: the same seed gives the same
// id, so generated notebooks are stable.
func NewID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:4])
}

func parseOutput(m map[string]any) (*Output, error) {
	o := &Output{}
	o.Type, _ = m["output_type"].(string)
	str := func(key string) string {
		switch v := m[key].(type) {
		case string:
			return v
		case []any:
			var b strings.Builder
			for _, line := range v {
				s, _ := line.(string)
				b.WriteString(s)
			}
			return b.String()
		}
		return ""
	}
	switch o.Type {
	case Stream:
		o.Name = str("name")
		o.Text = str("text")
	case DisplayData, ExecuteResult:
		data, _ := m["data"].(map[string]any)
		o.Data = map[string]any{}
		for k, v := range data {
			if lines, ok := v.([]any); ok && isSplitMIME(k) {
				var b strings.Builder
				for _, line := range lines {
					s, _ := line.(string)
					b.WriteString(s)
				}
				v = b.String()
			}
			o.Data[k] = v
		}
		o.Metadata, _ = m["metadata"].(map[string]any)
		if n, ok := m["execution_count"].(json.Number); ok {
			c, _ := n.Int64()
			o.ExecutionCount = int(c)
		}
	case ErrorOutput:
		o.EName = str("ename")
		o.EValue = str("evalue")
		tb, _ := m["traceback"].([]any)
		for _, line := range tb {
			s, _ := line.(string)
			o.Traceback = append(o.Traceback, s)
		}
	default:
		return nil, fmt.Errorf("unknown output type %q", o.Type)
	}
	return o, nil
}

// isSplitMIME reports whether nbformat stores values of this MIME type as a
// list of lines.
func isSplitMIME(mime string) bool {
	return strings.HasPrefix(mime, "text/") || mime == "application/javascript" || mime == "image/svg+xml"
}

// splitLines splits s after each newline, like Python's str.splitlines(True)
// for "\n" line ends.
func splitLines(s string) []string {
	lines := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// Marshal encodes nb as Jupyter does: nbformat 4.5 JSON with one-space
// indentation, sorted keys, multi-line strings split into lines, and a final
// newline.
func (nb *Notebook) Marshal() ([]byte, error) {
	format, minor := nb.Format, nb.Minor
	if format != 4 || minor < 5 {
		format, minor = 4, 5
	}
	meta := nb.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	cells := []any{}
	for _, c := range nb.Cells {
		cells = append(cells, c.toJSON())
	}
	doc := map[string]any{
		"cells":          cells,
		"metadata":       meta,
		"nbformat":       format,
		"nbformat_minor": minor,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("notebook: encode: %w", err)
	}
	return buf.Bytes(), nil
}

func (c *Cell) toJSON() map[string]any {
	meta := c.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	m := map[string]any{
		"cell_type": c.Type,
		"id":        c.ID,
		"metadata":  meta,
		"source":    splitLines(c.Source),
	}
	if c.Type == Code {
		if c.ExecutionCount > 0 {
			m["execution_count"] = c.ExecutionCount
		} else {
			m["execution_count"] = nil
		}
		outs := []any{}
		for _, o := range c.Outputs {
			outs = append(outs, o.toJSON())
		}
		m["outputs"] = outs
	} else if len(c.Attachments) > 0 {
		m["attachments"] = c.Attachments
	}
	return m
}

func (o *Output) toJSON() map[string]any {
	m := map[string]any{"output_type": o.Type}
	switch o.Type {
	case Stream:
		m["name"] = o.Name
		m["text"] = splitLines(o.Text)
	case DisplayData, ExecuteResult:
		data := map[string]any{}
		for k, v := range o.Data {
			if s, ok := v.(string); ok && isSplitMIME(k) {
				data[k] = splitLines(s)
			} else {
				data[k] = v
			}
		}
		m["data"] = data
		meta := o.Metadata
		if meta == nil {
			meta = map[string]any{}
		}
		m["metadata"] = meta
		if o.Type == ExecuteResult {
			if o.ExecutionCount > 0 {
				m["execution_count"] = o.ExecutionCount
			} else {
				m["execution_count"] = nil
			}
		}
	case ErrorOutput:
		m["ename"] = o.EName
		m["evalue"] = o.EValue
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m["traceback"] = tb
	}
	return m
}

// PlainText returns the plain text of an output as a reader sees it: the stream
// text, the text/plain of a result or display, or the error's name, value
// and traceback.
func (o *Output) PlainText() string {
	switch o.Type {
	case Stream:
		return o.Text
	case DisplayData, ExecuteResult:
		s, _ := o.Data["text/plain"].(string)
		return s
	case ErrorOutput:
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s\n", o.EName, o.EValue)
		for _, line := range o.Traceback {
			b.WriteString(line)
			b.WriteString("\n")
		}
		return b.String()
	}
	return ""
}
