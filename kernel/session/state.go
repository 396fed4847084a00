package session

import (
	"fmt"
	"go/ast"
	"go/token"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// declKind tells what a notebook declaration declares.
type declKind int

const (
	kType declKind = iota
	kConst
	kFunc
	kMethod
	kVar
	kDefine // a top-level x := ... in a cell, kept as a package-level var (vars.go)
)

// decl is the latest version of one declaration of the notebook.
type decl struct {
	kind  declKind
	names []string // declared names; for a method "T.M"
	recv  string   // receiver type name of a method
	text  string   // source text as written, or a var declaration for kDefine
	doc   string   // doc comment as written ("// ..." lines), or ""
	vtype string   // type of a variable (kVar, kDefine), "" when unknown
	line  int      // cell line where text starts
	cell  int      // number of the cell that declared it
	exec  int      // execution count of that cell, as the frontend shows it ("[3]")
	seq   int      // order of (re)definition
	refs  map[string]bool
}

// state is the notebook's live declarations, in their latest versions.
type state struct {
	imports map[string]string // name -> path
	order   []string          // import names in order of first import
	decls   map[string]*decl  // by name ("T.M" for methods)
	seq     int
	exec    int          // execution count of the running cell
	pinned  map[int]bool // global frame slots code outliving its cell may use (see releaseSlots)

	helperFiles [][2]int // FileSet ranges of the lower helpers the running cell evaluated
}

func newState() *state {
	return &state{imports: map[string]string{}, decls: map[string]*decl{}}
}

// put records d, replacing earlier declarations of its names.
func (st *state) put(d *decl) {
	st.seq++
	d.seq = st.seq
	if d.exec == 0 {
		d.exec = st.exec
	}
	for _, n := range d.names {
		if old := st.decls[n]; old != nil && old != d {
			old.names = remove(old.names, n)
		}
		st.decls[n] = d
	}
}

func remove(list []string, s string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// all returns the live declarations in order of definition.
func (st *state) all() []*decl {
	seen := map[*decl]bool{}
	var out []*decl
	for _, d := range st.decls {
		if !seen[d] && len(d.names) > 0 {
			seen[d] = true
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// methodsOf returns the live methods of type name.
func (st *state) methodsOf(name string) []*decl {
	var out []*decl
	for _, d := range st.all() {
		if d.kind == kMethod && d.recv == name {
			out = append(out, d)
		}
	}
	return out
}

// dependents returns the declarations (types, consts, funcs, methods) that
// mention any of names, directly or through each other, excluding skip.
// They must be evaluated again so that they use the new versions.
func (st *state) dependents(names map[string]bool, skip map[*decl]bool) []*decl {
	changed := map[string]bool{}
	for n := range names {
		changed[n] = true
		if i := strings.IndexByte(n, '.'); i >= 0 {
			changed[n[i+1:]] = true
		}
	}
	var out []*decl
	in := map[*decl]bool{}
	for {
		grew := false
		for _, d := range st.all() {
			if in[d] || skip[d] || d.kind == kVar || d.kind == kDefine {
				continue
			}
			hit := d.kind == kMethod && changed[d.recv]
			for r := range d.refs {
				if changed[r] {
					hit = true
					break
				}
			}
			if !hit {
				continue
			}
			in[d] = true
			out = append(out, d)
			grew = true
			for _, n := range d.names {
				changed[n] = true
				if i := strings.IndexByte(n, '.'); i >= 0 {
					changed[n[i+1:]] = true
				}
			}
			if d.kind == kType {
				// A new type has none of the old methods.
				for _, m := range st.methodsOf(d.names[0]) {
					if !in[m] && !skip[m] {
						in[m] = true
						out = append(out, m)
					}
				}
			}
		}
		if !grew {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if rank(out[i].kind) != rank(out[j].kind) {
			return rank(out[i].kind) < rank(out[j].kind)
		}
		return out[i].seq < out[j].seq
	})
	return out
}

func rank(k declKind) int {
	switch k {
	case kType:
		return 0
	case kConst:
		return 1
	case kMethod:
		return 2
	}
	return 3
}

// refsOf collects the identifiers mentioned in n.
func refsOf(n ast.Node) map[string]bool {
	refs := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			refs[id.Name] = true
		}
		return true
	})
	return refs
}

// source renders the state as a Go file of package main without
// statements, each declaration after its doc comment and a //line directive
// naming its cell and line ("//line cell[3]:5"), so that positions in it,
// a child's panics among them, are the cell's. Names in skip are left out.
func (st *state) source(skip map[string]bool) string {
	var b strings.Builder
	b.WriteString("package main\n")
	if len(st.order) > 0 {
		b.WriteString("\nimport (\n")
		for _, name := range st.order {
			p, ok := st.imports[name]
			if !ok {
				continue
			}
			if name == defaultImportName(p) {
				b.WriteString("\t" + strconv.Quote(p) + "\n")
			} else {
				b.WriteString("\t" + name + " " + strconv.Quote(p) + "\n")
			}
		}
		b.WriteString(")\n")
	}
	for _, d := range st.all() {
		skipped := false
		for _, n := range d.names {
			if skip[n] {
				skipped = true
			}
		}
		if skipped {
			continue
		}
		b.WriteString("\n")
		if d.doc != "" {
			b.WriteString(d.doc)
			b.WriteString("\n")
		}
		if d.exec > 0 && d.line > 0 {
			fmt.Fprintf(&b, "//line %s:%d\n", CellFile(d.exec), d.line)
		}
		b.WriteString(d.text)
		b.WriteString("\n")
	}
	return b.String()
}

// CellFile is the file name positions in the declarations of the cell
// with execution count n have in [Session.Source]: "cell[3]".
func CellFile(n int) string { return "cell[" + strconv.Itoa(n) + "]" }

var versionSuffix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^v[0-9]+$`) })

// defaultImportName is the name an import of path declares without an
// alias.
func defaultImportName(p string) string {
	base := path.Base(p)
	if versionSuffix().MatchString(base) && path.Dir(p) != "." {
		base = path.Base(path.Dir(p))
	}
	return strings.ReplaceAll(base, "-", "_")
}

// nodeText returns the source of n in src, where src starts at base.
func nodeText(fset *token.FileSet, src []byte, base int, n ast.Node) string {
	start := fset.Position(n.Pos()).Offset - base
	end := fset.Position(n.End()).Offset - base
	if start < 0 || end > len(src) || start > end {
		return ""
	}
	return string(src[start:end])
}
