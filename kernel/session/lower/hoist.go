package lower

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// A cell's statements run as the body of one function, so that they are Go
// statements with Go's scoping (comma-ok forms, blocks that shadow, defer
// and recover, return), but the variables they declare at the top level of
// that body belong to the notebook: later cells and the functions of the
// notebook use them. The session declares those variables at package level
// before the cell runs, with the types the Go type checker gives them, and
// turns their declarations into assignments. Hoist finds them.

// Var is a variable that a cell's statements declare at the top level of
// the cell (x := ..., var x = ..., var x T), which the session declares at
// package level.
type Var struct {
	Name string
	// Type is the variable's type in Go syntax, written with the import
	// names of the cell's files and the names of Imports; "" when it
	// cannot be written (a type of a package the type checker could not
	// load, or an unexported type of another package).
	Type string
	// Line is the line, in the statements file, of the statement that
	// declares the variable first.
	Line int
}

// Hoisted is what [Hoist] finds in a cell.
type Hoisted struct {
	// Vars are the variables declared at the top level of the cell's
	// statements, in order of first declaration.
	Vars []Var
	// Imports are the imports that the Types of Vars need beyond those of
	// the cell's files, by name ("__gl_net_url") to path.
	Imports map[string]string
	// Errs are the cell's compile errors as [Check] reports them,
	// positioned in the file they are in (both files keep the cell's
	// lines); nil when the cell has none.
	Errs []error
}

// StmtsFunc is the name of the function that holds a cell's statements in
// the statements file given to [Hoist].
const StmtsFunc = "__cell"

// Hoist type-checks a cell given as two files of package main against
// context (as for [Check]): decls holds the cell's imports and
// declarations, stmts holds the cell's statements as the body of func
// __cell ([StmtsFunc]), with the same imports. It returns the variables the
// statements declare at the top level of that body, and those decls
// declares (a whole program's package-level variables), with their types,
// and the cell's compile errors. Uses in decls of those variables are not
// errors: the session declares them at package level. decls may be nil.
func Hoist(decls, stmts []byte, context [][]byte) (h Hoisted) {
	if recoverPanics {
		defer func() {
			if r := recover(); r != nil {
				h = Hoisted{} // never report an error the program may not have
			}
		}()
	}
	fset, ctx, _ := parseContext(context)
	var cellFiles []*ast.File
	var declFile *ast.File
	if decls != nil {
		f, err := parser.ParseFile(fset, declsName, decls, parser.SkipObjectResolution)
		if err != nil {
			h.Errs = syntaxErrorsNamed(declsName, decls)
			return h
		}
		declFile = f
		cellFiles = append(cellFiles, f)
	}
	stmtFile, err := parser.ParseFile(fset, cellName, stmts, parser.SkipObjectResolution)
	if err != nil {
		h.Errs = syntaxErrors(stmts)
		return h
	}
	cellFiles = append(cellFiles, stmtFile)
	body := stmtsBody(stmtFile)
	if body == nil {
		return h
	}

	// The top-level declarations of the statements, in order.
	type defined struct {
		id   *ast.Ident
		line int
	}
	var defs []defined
	hoisted := map[string]bool{}
	for _, st := range body.List {
		for _, id := range TopLevelNames(st) {
			if id.Name == "_" || hoisted[id.Name] {
				continue
			}
			hoisted[id.Name] = true
			defs = append(defs, defined{id, fset.Position(id.Pos()).Line})
		}
	}

	info := &types.Info{
		Types: make(map[ast.Expr]types.TypeAndValue),
		Defs:  make(map[*ast.Ident]types.Object),
		Uses:  make(map[*ast.Ident]types.Object),
	}
	var terrs []types.Error
	files := ctx
	if declFile != nil {
		files = filterContext(ctx, declFile)
	}
	files = append(append([]*ast.File{}, files...), cellFiles...)
	conf := types.Config{
		Importer: newImporter(),
		Error: func(err error) {
			te, ok := err.(types.Error)
			if !ok {
				return
			}
			name := fset.Position(te.Pos).Filename
			if name != cellName && name != declsName {
				return
			}
			if name == declsName && strings.HasPrefix(te.Msg, "undefined: ") && hoisted[strings.TrimPrefix(te.Msg, "undefined: ")] {
				return // declared at package level by the session
			}
			terrs = append(terrs, te)
		},
	}
	pkg, _ := conf.Check("main", fset, files, info)

	names := fileImportNames(stmtFile, info)
	if declFile != nil {
		for p, n := range fileImportNames(declFile, info) {
			if _, ok := names[p]; !ok {
				names[p] = n
			}
		}
	}
	tw := typeWriter{local: pkg, names: names, extra: map[string]string{}}
	if declFile != nil {
		// A whole program's variables are in decls, at package level.
		for _, d := range declFile.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, sp := range gd.Specs {
					for _, id := range sp.(*ast.ValueSpec).Names {
						if id.Name != "_" && !hoisted[id.Name] {
							hoisted[id.Name] = true
							defs = append(defs, defined{id, fset.Position(id.Pos()).Line})
						}
					}
				}
			}
		}
	}
	for _, d := range defs {
		v := Var{Name: d.id.Name, Line: d.line}
		if obj, ok := info.Defs[d.id].(*types.Var); ok && obj != nil {
			v.Type = tw.write(obj.Type())
		}
		h.Vars = append(h.Vars, v)
	}
	if len(tw.extra) > 0 {
		h.Imports = map[string]string{}
		for p, n := range tw.extra {
			h.Imports[n] = p
		}
	}

	a := &analysis{fset: fset, file: stmtFile, errs: terrs}
	h.Errs = a.check()
	for _, e := range h.Errs {
		if le, ok := e.(*Error); ok && le.Line == 0 {
			le.Line = 1
		}
	}
	return h
}

// declsName is the file name the declarations of a cell are parsed under
// by Hoist.
const declsName = "decls.go"

// stmtsBody returns the body of func __cell in f.
func stmtsBody(f *ast.File) *ast.BlockStmt {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == StmtsFunc {
			return fd.Body
		}
	}
	return nil
}

// TopLevelNames returns the identifiers that a statement at the top level
// of a cell declares: the left side of x, y := ..., and the names of a var
// declaration. Blank identifiers are included.
func TopLevelNames(st ast.Stmt) []*ast.Ident {
	var out []*ast.Ident
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok != token.DEFINE {
			return nil
		}
		for _, l := range st.Lhs {
			if id, ok := l.(*ast.Ident); ok {
				out = append(out, id)
			}
		}
	case *ast.DeclStmt:
		gd, ok := st.Decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			return nil
		}
		for _, sp := range gd.Specs {
			if vs, ok := sp.(*ast.ValueSpec); ok {
				out = append(out, vs.Names...)
			}
		}
	}
	return out
}

// syntaxErrorsNamed returns the parse errors of a file other than the cell.
func syntaxErrorsNamed(name string, src []byte) []error {
	_, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution)
	if err == nil {
		return nil
	}
	return syntaxErrors(src)
}

// fileImportNames maps the path of each package f imports to the name f
// knows it by.
func fileImportNames(f *ast.File, info *types.Info) map[string]string {
	m := map[string]string{}
	for _, im := range f.Imports {
		p, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		switch {
		case im.Name != nil:
			m[p] = im.Name.Name
		default:
			m[p] = importedName(p)
		}
	}
	// Names the checker resolved (package name differs from the path's
	// last element).
	for id, obj := range info.Uses {
		if pn, ok := obj.(*types.PkgName); ok && id != nil {
			if _, ok := m[pn.Imported().Path()]; ok {
				m[pn.Imported().Path()] = pn.Name()
			}
		}
	}
	return m
}

// typeWriter writes types in Go syntax for a declaration in the cell's
// package: types of the cell's package unqualified, those of imported
// packages with the cell's import names, others with a name of extra
// (which the declaration must import).
type typeWriter struct {
	local *types.Package
	names map[string]string // path -> name in the cell
	extra map[string]string // path -> name to import it as
	bad   bool
}

// write returns t in Go syntax, or "" when it cannot be written.
func (w *typeWriter) write(t types.Type) string {
	w.bad = false
	var b strings.Builder
	w.typ(&b, t)
	if w.bad {
		return ""
	}
	return b.String()
}

func (w *typeWriter) qualify(pkg *types.Package) string {
	if pkg == nil || pkg == w.local || pkg.Path() == "main" {
		return ""
	}
	if n, ok := w.names[pkg.Path()]; ok && n != "_" && n != "." {
		return n + "."
	}
	if n, ok := w.names[pkg.Path()]; ok && n == "." {
		return ""
	}
	n, ok := w.extra[pkg.Path()]
	if !ok {
		n = "__gl_" + strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(pkg.Path())
		w.extra[pkg.Path()] = n
	}
	return n + "."
}

func (w *typeWriter) typ(b *strings.Builder, t types.Type) {
	switch t := t.(type) {
	case *types.Alias:
		w.typ(b, types.Unalias(t))
	case *types.Basic:
		if t.Kind() == types.Invalid || t.Info()&types.IsUntyped != 0 && t.Kind() != types.UntypedNil {
			if t.Kind() == types.Invalid {
				w.bad = true
				return
			}
			w.typ(b, types.Default(t))
			return
		}
		if t.Kind() == types.UntypedNil {
			w.bad = true
			return
		}
		if t.Kind() == types.UnsafePointer {
			b.WriteString(w.qualify(types.Unsafe))
			b.WriteString("Pointer")
			return
		}
		b.WriteString(t.Name())
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() != nil && obj.Pkg().Path() == "iter" {
			// yaegi has no package iter: lowering spells its types as
			// the function types they are.
			w.typ(b, t.Underlying())
			return
		}
		if obj.Pkg() == nil {
			b.WriteString(obj.Name()) // error, comparable
			return
		}
		if obj.Pkg() != w.local && obj.Pkg().Path() != "main" && !obj.Exported() {
			w.bad = true
			return
		}
		if obj.Parent() != nil && obj.Parent() != obj.Pkg().Scope() {
			w.bad = true // a type declared inside a function
			return
		}
		b.WriteString(w.qualify(obj.Pkg()))
		b.WriteString(obj.Name())
		if args := t.TypeArgs(); args != nil && args.Len() > 0 {
			b.WriteByte('[')
			for i := range args.Len() {
				if i > 0 {
					b.WriteString(", ")
				}
				w.typ(b, args.At(i))
			}
			b.WriteByte(']')
		}
	case *types.Pointer:
		b.WriteByte('*')
		w.typ(b, t.Elem())
	case *types.Slice:
		b.WriteString("[]")
		w.typ(b, t.Elem())
	case *types.Array:
		fmt.Fprintf(b, "[%d]", t.Len())
		w.typ(b, t.Elem())
	case *types.Map:
		b.WriteString("map[")
		w.typ(b, t.Key())
		b.WriteByte(']')
		w.typ(b, t.Elem())
	case *types.Chan:
		switch t.Dir() {
		case types.SendRecv:
			b.WriteString("chan ")
			if c, ok := t.Elem().(*types.Chan); ok && c.Dir() == types.RecvOnly {
				b.WriteByte('(')
				w.typ(b, t.Elem())
				b.WriteByte(')')
				return
			}
		case types.SendOnly:
			b.WriteString("chan<- ")
		case types.RecvOnly:
			b.WriteString("<-chan ")
		}
		w.typ(b, t.Elem())
	case *types.Signature:
		b.WriteString("func")
		w.signature(b, t)
	case *types.Struct:
		b.WriteString("struct{")
		for i := range t.NumFields() {
			if i > 0 {
				b.WriteString("; ")
			}
			f := t.Field(i)
			if !f.Embedded() {
				b.WriteString(f.Name())
				b.WriteByte(' ')
			} else if f.Pkg() != nil && f.Pkg() != w.local && f.Pkg().Path() != "main" && !f.Exported() {
				w.bad = true
			}
			w.typ(b, f.Type())
			if tag := t.Tag(i); tag != "" {
				b.WriteByte(' ')
				b.WriteString(strconv.Quote(tag))
			}
		}
		b.WriteByte('}')
	case *types.Interface:
		if t.Empty() {
			b.WriteString("any")
			return
		}
		b.WriteString("interface{")
		first := true
		for i := range t.NumEmbeddeds() {
			if !first {
				b.WriteString("; ")
			}
			first = false
			w.typ(b, t.EmbeddedType(i))
		}
		for i := range t.NumExplicitMethods() {
			if !first {
				b.WriteString("; ")
			}
			first = false
			m := t.ExplicitMethod(i)
			if !m.Exported() && m.Pkg() != nil && m.Pkg() != w.local && m.Pkg().Path() != "main" {
				w.bad = true
			}
			b.WriteString(m.Name())
			w.signature(b, m.Type().(*types.Signature))
		}
		b.WriteByte('}')
	case *types.Union:
		for i := range t.Len() {
			if i > 0 {
				b.WriteString(" | ")
			}
			if t.Term(i).Tilde() {
				b.WriteByte('~')
			}
			w.typ(b, t.Term(i).Type())
		}
	default:
		// Type parameters and tuples are not types of variables.
		w.bad = true
	}
}

func (w *typeWriter) signature(b *strings.Builder, s *types.Signature) {
	w.tuple(b, s.Params(), s.Variadic())
	switch r := s.Results(); r.Len() {
	case 0:
	case 1:
		if r.At(0).Name() == "" {
			b.WriteByte(' ')
			w.typ(b, r.At(0).Type())
			return
		}
		fallthrough
	default:
		b.WriteByte(' ')
		w.tuple(b, r, false)
	}
}

func (w *typeWriter) tuple(b *strings.Builder, t *types.Tuple, variadic bool) {
	b.WriteByte('(')
	for i := range t.Len() {
		if i > 0 {
			b.WriteString(", ")
		}
		v := t.At(i)
		if variadic && i == t.Len()-1 {
			b.WriteString("...")
			w.typ(b, v.Type().(*types.Slice).Elem())
			continue
		}
		w.typ(b, v.Type())
	}
	b.WriteByte(')')
}

// SortedImports returns imports (name to path) as import specs in a stable
// order, for a declaration that needs them.
func SortedImports(imports map[string]string) []string {
	var out []string
	for n, p := range imports {
		out = append(out, n+" "+strconv.Quote(p))
	}
	sort.Strings(out)
	return out
}

// FileError is an error of the type checker in a whole file, at a byte
// offset of the file as given (not moved by //line directives).
type FileError struct {
	Offset int
	Msg    string
}

// FileErrors type-checks src, a whole Go file of package main, with the
// importer of [Check] and returns all its errors, unfiltered (unused
// variables and imports included), in order; nil when it has none. A file
// that does not parse yields its syntax errors.
func FileErrors(src []byte) (errs []FileError) {
	if recoverPanics {
		defer func() {
			if r := recover(); r != nil {
				errs = []FileError{{Msg: fmt.Sprintf("internal error: %v", r)}}
			}
		}()
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return []FileError{{Msg: err.Error()}}
	}
	conf := types.Config{
		Importer: newImporter(),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				errs = append(errs, FileError{Offset: fset.PositionFor(te.Pos, false).Offset, Msg: te.Msg})
			}
		},
	}
	conf.Check("main", fset, []*ast.File{f}, nil)
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Offset < errs[j].Offset })
	return errs
}
