package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/session/lower"
)

// Every source given to yaegi or to package lower starts with one extra
// line ("package main;..."), so line L there is cell line L-1; columns are
// unchanged because the cell keeps its bytes at their offsets.
const (
	declPrefix = "package main;\n"
	mainName   = "__glmain"
)

// run evaluates a cell: its imports first, then its groups of declarations
// and statements in the order they are written.
func (s *Session) run(ctx context.Context, src []byte) error {
	defer s.releaseCompiled(s.mark(), src)
	segs := splitCell(src)
	if len(segs) == 0 {
		return nil
	}
	program := false
	var imports, rest []segment
	for _, sg := range segs {
		switch sg.kind {
		case segPackage:
			program = true
		case segImport:
			imports = append(imports, sg)
		default:
			rest = append(rest, sg)
		}
	}
	if len(imports) > 0 {
		if err := s.evalImports(ctx, src, imports); err != nil {
			return err
		}
	}
	callMain := false
	for i := 0; i < len(rest); {
		j := i
		for j < len(rest) && (rest[j].kind == segStmt) == (rest[i].kind == segStmt) {
			j++
		}
		group := rest[i:j]
		var err error
		if group[0].kind == segStmt {
			err = s.evalStmts(ctx, src, group, j == len(rest), "")
		} else {
			var hasMain bool
			hasMain, err = s.evalDecls(ctx, src, group, program)
			callMain = callMain || hasMain
		}
		if err != nil {
			return err
		}
		i = j
	}
	if callMain {
		return s.evalStmts(ctx, []byte(mainName+"()"), []segment{{kind: segStmt, end: len(mainName) + 2}}, false, "func main")
	}
	return nil
}

// releaseCompiled lets the garbage collector have what yaegi v0.16.1 keeps
// of every evaluation but never uses again, so that a notebook's memory does
// not grow with the number of cells it ran (10,000 small cells kept about
// 35 MiB, and each run of `data := load()` kept the data it replaced):
//
//   - the root node of each evaluated source, appended to the interpreter's
//     roots, which only yaegi's debugger reads;
//   - the block scopes of top-level statements, appended to the main
//     package scope's children, which only the debugger reads (a function
//     keeps its scopes through its nodes);
//   - the files that yaegi's scan of the first token and its build
//     constraint check add to the interpreter's FileSet before each parse,
//     and, after a cell without func, go or defer, the files of its code
//     (nodes of code that may still run point into the file of their
//     parse, which stays, so that panics still name their line);
//   - values in slots of the global frame that no code can read any more
//     (see releaseSlots).
//
// before is what the interpreter held before the cell src ran. Nothing is
// released while an interrupted evaluation may still be compiling or
// running.
func (s *Session) releaseCompiled(before cellMark, src []byte) {
	if s.abandoned != nil {
		return
	}
	v := reflect.ValueOf(s.in).Elem()
	if roots, ok := unexported(v, "roots"); ok && roots.Kind() == reflect.Slice {
		roots.SetZero()
	}
	if scopes, ok := unexported(v, "scopes"); ok && scopes.Kind() == reflect.Map {
		if sc := scopes.MapIndex(reflect.ValueOf("main")); sc.IsValid() && !sc.IsNil() {
			if child, ok := unexported(sc.Elem(), "child"); ok && child.Kind() == reflect.Slice {
				child.SetZero()
			}
		}
	}
	// yaegi adds each file at the set's base, so the cell's files follow
	// one another from base.
	fset := s.in.FileSet()
	var files []*token.File
	for p := before.base; p < fset.Base(); {
		f := fset.File(token.Pos(p))
		if f == nil {
			break
		}
		files = append(files, f)
		p = f.Base() + f.Size() + 1
	}
	s.stMu.Lock()
	helpers := s.st.helperFiles
	s.st.helperFiles = nil
	s.stMu.Unlock()
	lasting, declares, names := cellTokens(src)
	for i, f := range files {
		scan := f.Name() == ""
		check := i+1 < len(files) && files[i+1].Name() == f.Name() && files[i+1].Size() == f.Size()
		// Once a cell without func, go or defer has run, nothing can
		// ask for a position in its code, except in the helpers package
		// lower added, which later cells call.
		done := !lasting && !slices.ContainsFunc(helpers, func(r [2]int) bool { return f.Base() >= r[0] && f.Base() < r[1] })
		if scan || check || done {
			fset.RemoveFile(f)
		}
	}
	s.releaseSlots(before, lasting, declares, names)
}

// cellMark is what the interpreter holds before a cell: the base of its
// FileSet, the size of its global frame and the slot of each variable of
// the main package.
type cellMark struct {
	base  int
	slots int
	vars  map[string]int
}

// mark returns the interpreter's cellMark.
func (s *Session) mark() cellMark {
	data, _ := globalFrame(s.in)
	return cellMark{base: s.in.FileSet().Base(), slots: data.Len(), vars: globalVars(s.in)}
}

// releaseSlots resets to zero the slots of the global frame that a cell
// left which no code can read any more. yaegi gives every variable of a
// top-level statement, block-local ones included, a slot of its own in the
// global frame for good, and `x := ...` run again takes a new slot while
// the old one keeps the old value.
//
// A cell without func, go or defer leaves no code behind once it has run:
// the slots it took for its blocks are free when it ends, and so is the
// slot of a variable it declared once the variable is declared again,
// unless code that outlives its cell (a function, a closure, a goroutine)
// may use the slot. Such code is found, conservatively, by the tokens of
// its cell: the slots a cell with func, go or defer takes, and those of
// the variables it names, are never reset, and neither are, after a cell
// that may declare something, those of the variables that declarations
// the session may evaluate again name. A slot is reset with a new
// zero value of its type, so a pointer to the variable keeps the value it
// points to.
func (s *Session) releaseSlots(before cellMark, lasting, declares bool, names map[string]bool) {
	data, mu := globalFrame(s.in)
	if !data.IsValid() || before.slots > data.Len() {
		return
	}
	after := globalVars(s.in)
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if s.st.pinned == nil {
		s.st.pinned = map[int]bool{}
	}
	pin := func(names map[string]bool) {
		for n := range names {
			for _, vars := range []map[string]int{before.vars, after} {
				if i, ok := vars[n]; ok {
					s.st.pinned[i] = true
				}
			}
		}
	}
	if lasting {
		for i := before.slots; i < data.Len(); i++ {
			s.st.pinned[i] = true
		}
		pin(names)
	}
	if declares {
		// The session evaluates earlier declarations again when the cell
		// declares again what they use.
		for _, d := range s.st.decls {
			pin(d.refs)
		}
	}
	current := make(map[int]bool, len(after))
	for _, i := range after {
		current[i] = true
	}
	var free []int
	if !lasting {
		for i := before.slots; i < data.Len(); i++ {
			free = append(free, i)
		}
	}
	for n, i := range before.vars {
		if j, ok := after[n]; !ok || j != i {
			free = append(free, i)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, i := range free {
		if current[i] || s.st.pinned[i] || i >= data.Len() {
			continue
		}
		slot := data.Index(i)
		if old, ok := slot.Interface().(reflect.Value); ok && old.IsValid() {
			slot.Set(reflect.ValueOf(reflect.New(old.Type()).Elem()))
		}
	}
}

// cellTokens reports whether src holds code that may run after its cell
// (func, go or defer) and whether it may declare something (import, var,
// const, type or func), and returns the identifiers it names.
func cellTokens(src []byte) (lasting, declares bool, names map[string]bool) {
	names = map[string]bool{}
	var sc scanner.Scanner
	fset := token.NewFileSet()
	sc.Init(fset.AddFile("", fset.Base(), len(src)), src, nil, 0)
	for {
		_, tok, lit := sc.Scan()
		switch tok {
		case token.EOF:
			return lasting, declares, names
		case token.FUNC:
			lasting, declares = true, true
		case token.GO, token.DEFER:
			lasting = true
		case token.IMPORT, token.VAR, token.CONST, token.TYPE:
			declares = true
		case token.IDENT:
			names[lit] = true
		}
	}
}

// yaegiVarSym is yaegi v0.16.1's symbol kind of a variable (varSym).
const yaegiVarSym = 9

// globalVars returns the slot in the global frame of each variable of the
// main package.
func globalVars(in *interp.Interpreter) map[string]int {
	vars := map[string]int{}
	sym, ok := mainSyms(in)
	if !ok {
		return vars
	}
	for it := sym.MapRange(); it.Next(); {
		p := it.Value()
		if p.Kind() != reflect.Pointer || p.IsNil() {
			continue
		}
		// A variable of the main package scope lives in the global frame
		// whether or not yaegi marks it global (it does not for one a
		// statement declares).
		kind, ok1 := unexported(p.Elem(), "kind")
		index, ok2 := unexported(p.Elem(), "index")
		if ok1 && ok2 && kind.CanUint() && kind.Uint() == yaegiVarSym && index.CanInt() && index.Int() >= 0 {
			vars[it.Key().String()] = int(index.Int())
		}
	}
	return vars
}

// globalFrame returns the slots of the interpreter's global frame (a
// settable []reflect.Value) and the mutex that guards them, or an invalid
// Value if yaegi's layout is not the expected one.
func globalFrame(in *interp.Interpreter) (reflect.Value, *sync.RWMutex) {
	fr, ok := unexported(reflect.ValueOf(in).Elem(), "frame")
	if !ok || fr.Kind() != reflect.Pointer || fr.IsNil() {
		return reflect.Value{}, nil
	}
	data, ok1 := unexported(fr.Elem(), "data")
	mu, ok2 := unexported(fr.Elem(), "mutex")
	if !ok1 || !ok2 || data.Type() != reflect.TypeFor[[]reflect.Value]() {
		return reflect.Value{}, nil
	}
	m, ok := mu.Addr().Interface().(*sync.RWMutex)
	if !ok {
		return reflect.Value{}, nil
	}
	return data, m
}

// importSpec is one import of a cell.
type importSpec struct {
	name, path string
	line       int
	text       string
}

func (s *Session) evalImports(ctx context.Context, src []byte, segs []segment) error {
	text := declPrefix + string(blankExcept(src, segs))
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", text, parser.ImportsOnly)
	if err != nil {
		return s.compileError(src, err, nil)
	}
	var specs []importSpec
	for _, sp := range f.Imports {
		p, err := strconv.Unquote(sp.Path.Value)
		if err != nil {
			continue
		}
		is := importSpec{path: p, name: defaultImportName(p), line: fset.Position(sp.Pos()).Line - 1, text: nodeText(fset, []byte(text), 0, sp)}
		if sp.Name != nil {
			is.name = sp.Name.Name
		}
		specs = append(specs, is)
	}
	for _, is := range specs {
		s.stMu.Lock()
		old, seen := s.st.imports[is.name]
		s.stMu.Unlock()
		if is.name == "_" || (seen && old == is.path) {
			continue
		}
		if is.name != "." {
			forget(s.in, is.name+"/_.go")
		}
		code := declPrefix + strings.Repeat("\n", is.line-1) + "import " + is.text
		if _, err := s.eval(ctx, code); err != nil {
			if strings.Contains(err.Error(), "unable to find source") || strings.Contains(err.Error(), "import \"") {
				return s.errorAt(src, is.line, 0, fmt.Sprintf("package %s is not available in gopherlab: cells can import the standard library and the packages built into the kernel", strconv.Quote(is.path)))
			}
			return s.yaegiError(ctx, src, err, nil)
		}
		if is.name == "." {
			continue
		}
		s.stMu.Lock()
		if _, ok := s.st.imports[is.name]; !ok {
			s.st.order = append(s.st.order, is.name)
		}
		s.st.imports[is.name] = is.path
		s.stMu.Unlock()
	}
	return nil
}

// importLine renders the live imports as one line, for the files given to
// package lower.
func (s *Session) importLine() string {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if len(s.st.order) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("import (")
	for _, n := range s.st.order {
		fmt.Fprintf(&b, "%s %q;", n, s.st.imports[n])
	}
	b.WriteString(");")
	return b.String()
}

// context returns the notebook's declarations for package lower, without
// the names the cell declares again.
func (s *Session) context(skip map[string]bool) [][]byte {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if len(s.st.decls) == 0 {
		return nil
	}
	return [][]byte{[]byte(s.st.source(skip))}
}

// evalDecls evaluates a group of declarations. A func main (in a whole
// program, or declared alone) is renamed so that it runs once, at the end of
// the cell, and not after every later evaluation (yaegi calls main after
// each Eval once it exists); it is not kept in Source.
func (s *Session) evalDecls(ctx context.Context, src []byte, segs []segment, program bool) (hasMain bool, err error) {
	body := blankExcept(src, segs)
	// Parse the group with the comments that start a line, so that each
	// declaration keeps its doc comment for Source (Shift-Tab shows it);
	// yaegi gets body, whose offsets are the same.
	text := declPrefix + string(withLineComments(src, body))
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", text, parser.ParseComments)
	if err != nil {
		return false, s.compileError(src, err, nil)
	}
	base := len(declPrefix)
	var edits []edit
	var decls []*decl
	names := map[string]bool{}
	cell := s.cellNumber()
	add := func(d *decl, n ast.Node) {
		d.line = fset.Position(n.Pos()).Line - 1
		d.cell = cell
		d.refs = refsOf(n)
		decls = append(decls, d)
		for _, nm := range d.names {
			names[nm] = true
		}
	}
	for _, dl := range f.Decls {
		switch dl := dl.(type) {
		case *ast.FuncDecl:
			d := &decl{kind: kFunc, names: []string{dl.Name.Name}}
			if dl.Recv != nil && len(dl.Recv.List) == 1 {
				d.kind = kMethod
				d.recv = recvName(dl.Recv.List[0].Type)
				d.names = []string{d.recv + "." + dl.Name.Name}
			} else if dl.Name.Name == "main" {
				hasMain = true
				edits = append(edits, edit{start: fset.Position(dl.Name.Pos()).Offset - base, end: fset.Position(dl.Name.End()).Offset - base, text: mainName})
				continue
			} else if dl.Name.Name == "init" {
				continue
			}
			d.text = string(src[fset.Position(dl.Pos()).Offset-base : fset.Position(dl.End()).Offset-base])
			d.doc = docComment(dl.Doc)
			add(d, dl)
			edits = append(edits, s.goEdits(fset, base, dl, "func "+dl.Name.Name)...)
		case *ast.GenDecl:
			kind := map[token.Token]declKind{token.TYPE: kType, token.CONST: kConst, token.VAR: kVar}[dl.Tok]
			whole := string(src[fset.Position(dl.Pos()).Offset-base : fset.Position(dl.End()).Offset-base])
			if dl.Tok == token.CONST && dl.Lparen.IsValid() && implicitConsts(dl) {
				d := &decl{kind: kind, text: whole, doc: docComment(dl.Doc)}
				for _, sp := range dl.Specs {
					d.names = append(d.names, specNames(sp)...)
				}
				add(d, dl)
				continue
			}
			for _, sp := range dl.Specs {
				d := &decl{kind: kind, names: specNames(sp)}
				d.text = dl.Tok.String() + " " + string(src[fset.Position(sp.Pos()).Offset-base:fset.Position(sp.End()).Offset-base])
				d.doc = docComment(specDoc(sp))
				if d.doc == "" {
					d.doc = docComment(dl.Doc) // the group's comment, as go doc shows it for each name
				}
				add(d, sp)
				edits = append(edits, s.goEdits(fset, base, sp, "")...)
			}
		}
	}

	// Redefinitions: forget the old symbols; a method added to an existing
	// type needs the type rebuilt with all its methods.
	s.stMu.Lock()
	redefined := map[string]bool{}
	var pre []*decl
	inCell := map[*decl]bool{}
	for _, d := range decls {
		for _, n := range d.names {
			if s.st.decls[n] != nil {
				redefined[n] = true
			}
		}
	}
	for _, d := range decls {
		if d.kind != kMethod || names[d.recv] {
			continue
		}
		if t := s.st.decls[d.recv]; t != nil && t.kind == kType && redefined[d.names[0]] {
			pre = append(pre, t)
			inCell[t] = true
			redefined[d.recv] = true
		}
	}
	for n := range names {
		if old := s.st.decls[n]; old != nil {
			inCell[old] = true
		}
	}
	var deps []*decl
	if len(redefined) > 0 {
		deps = s.st.dependents(redefined, inCell)
	}
	s.stMu.Unlock()

	toForget := []string{}
	for n := range redefined {
		if !strings.Contains(n, ".") {
			toForget = append(toForget, n)
		}
	}
	for _, d := range deps {
		if d.kind != kMethod {
			toForget = append(toForget, d.names...)
		}
	}
	for n := range names {
		if !strings.Contains(n, ".") && hasSym(s.in, n) {
			toForget = append(toForget, n)
		}
	}
	forget(s.in, toForget...)
	for _, d := range pre {
		if err := s.evalStored(ctx, d); err != nil {
			s.note(fmt.Sprintf("note: could not rebuild type %s: %s\n", d.names[0], shiftPos(err)))
		}
	}

	code := applyEdits(body, edits)
	out, err := s.lower(ctx, src, code, "", names)
	if err != nil {
		return false, err
	}
	if _, err := s.eval(ctx, declPrefix+string(out)); err != nil {
		return false, s.yaegiError(ctx, src, err, func() []error {
			return lower.Check([]byte(declPrefix[:len(declPrefix)-1]+s.importLine()+"\n"+string(body)), s.context(names))
		})
	}
	s.stMu.Lock()
	for _, d := range decls {
		s.st.put(d)
	}
	s.stMu.Unlock()
	for _, d := range deps {
		if err := s.evalStored(ctx, d); err != nil {
			s.note(fmt.Sprintf("note: %s, declared in an earlier cell, uses what this cell changed and no longer compiles: %s\n(it keeps its old version; run its cell again after fixing it)\n", strings.Join(d.names, ", "), shiftPos(err)))
		}
	}
	return hasMain, nil
}

// evalStored evaluates a declaration kept from an earlier cell again.
func (s *Session) evalStored(ctx context.Context, d *decl) error {
	code := declPrefix + strings.Repeat("\n", max(d.line-1, 0)) + d.text
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", code, 0)
	if err != nil {
		return err
	}
	var edits []edit
	for _, dl := range f.Decls {
		where := ""
		if fd, ok := dl.(*ast.FuncDecl); ok {
			where = "func " + fd.Name.Name
		}
		edits = append(edits, s.goEdits(fset, len(declPrefix), dl, where)...)
	}
	code = declPrefix + string(applyEdits([]byte(code[len(declPrefix):]), edits))
	if _, err := s.eval(ctx, code); err != nil {
		return err
	}
	return nil
}

// withLineComments returns a copy of body (src with everything outside
// a group blanked) holding again the complete comments of src that start
// a line, so that a parse of it sees the doc comments of the group's
// declarations at their places. A comment after code on its line is left
// blank: it belongs to that code, not to the next declaration.
func withLineComments(src, body []byte) []byte {
	out := append([]byte{}, body...)
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var sc scanner.Scanner
	sc.Init(file, src, func(token.Position, string) {}, scanner.ScanComments)
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			return out
		}
		if tok != token.COMMENT {
			continue
		}
		off := file.Offset(pos)
		if line := bytes.LastIndexByte(src[:off], '\n') + 1; len(bytes.TrimSpace(src[line:off])) > 0 {
			continue
		}
		// The comment's bytes in src (its literal drops carriage returns).
		end := -1
		if strings.HasPrefix(lit, "//") {
			if end = bytes.IndexByte(src[off:], '\n'); end < 0 {
				end = len(src) - off
			}
		} else if end = bytes.Index(src[off+2:], []byte("*/")); end >= 0 {
			end += 4
		}
		if end < 0 {
			continue // not terminated: left blank, as before
		}
		copy(out[off:off+end], src[off:off+end])
	}
}

// docComment returns a doc comment as written, one comment per line, or
// "" for none.
func docComment(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	lines := make([]string, len(g.List))
	for i, c := range g.List {
		lines[i] = c.Text
	}
	return strings.Join(lines, "\n")
}

// specDoc returns the doc comment of a spec in a group.
func specDoc(sp ast.Spec) *ast.CommentGroup {
	switch sp := sp.(type) {
	case *ast.TypeSpec:
		return sp.Doc
	case *ast.ValueSpec:
		return sp.Doc
	}
	return nil
}

func recvName(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

func specNames(sp ast.Spec) []string {
	var out []string
	switch sp := sp.(type) {
	case *ast.TypeSpec:
		out = append(out, sp.Name.Name)
	case *ast.ValueSpec:
		for _, n := range sp.Names {
			if n.Name != "_" {
				out = append(out, n.Name)
			}
		}
	}
	return out
}

// implicitConsts reports whether a const group relies on iota or implicit
// repetition, so that it cannot be split into separate declarations.
func implicitConsts(dl *ast.GenDecl) bool {
	for _, sp := range dl.Specs {
		vs := sp.(*ast.ValueSpec)
		if len(vs.Values) == 0 {
			return true
		}
		for _, v := range vs.Values {
			if refsOf(v)["iota"] {
				return true
			}
		}
	}
	return false
}

// evalStmts runs a group of statements. When last is set and the group
// ends in an expression, its value becomes the cell's Result.
func (s *Session) evalStmts(ctx context.Context, src []byte, segs []segment, last bool, where string) error {
	body := blankExcept(src, segs)
	const stmtPrefix = "package main;func _() {\n"
	text := stmtPrefix + string(body) + "\n}"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", text, 0)
	if err != nil {
		return s.compileError(src, err, nil)
	}
	base := len(stmtPrefix)
	fn := f.Decls[0].(*ast.FuncDecl)
	edits := s.goEdits(fset, base, fn.Body, where)
	var shows [][]edit
	if n := len(fn.Body.List); last && n > 0 {
		if es, ok := fn.Body.List[n-1].(*ast.ExprStmt); ok {
			start, end := fset.Position(es.Pos()).Offset-base, fset.Position(es.End()).Offset-base
			for _, m := range s.richMethods() {
				shows = append(shows, []edit{{start: start, end: start, text: "{ __glv := ("},
					{start: end, end: end, text: fmt.Sprintf("); __glrt.Rich(%q, __glv.%s(), __glv) }", m.mime, m.name)}})
			}
			shows = append(shows, []edit{{start: start, end: start, text: "__glshow("}, {start: end, end: end, text: ")"}})
		}
	}
	defines := definesOf(fset, []byte(text), base, fn.Body.List)
	names := map[string]bool{}
	for _, d := range defines {
		for _, n := range d.names {
			names[n] = true
		}
	}

	try := func(edits []edit) error {
		code := applyEdits(body, edits)
		out, err := s.lower(ctx, src, code, "func __cell() {", names)
		if err != nil {
			return err
		}
		_, err = s.eval(ctx, "\n"+string(out))
		return err
	}
	err = nil
	for _, show := range shows {
		err = try(append(append([]edit{}, edits...), show...))
		if err == nil || !isCompileError(err) {
			break
		}
	}
	if shows == nil || (err != nil && isCompileError(err)) {
		err = try(edits)
	}
	if err != nil {
		if e, ok := err.(*Error); ok {
			return e
		}
		return s.yaegiError(ctx, src, err, func() []error {
			return lower.Check([]byte("package main;"+s.importLine()+"func __cell() {\n"+string(body)+"\n}"), s.context(names))
		})
	}
	if len(defines) > 0 {
		s.recordDefines(defines)
	}
	return nil
}

func isCompileError(err error) bool {
	var p interp.Panic
	if errors.As(err, &p) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var e *Error
	return !errors.As(err, &e)
}

// richMethod is a method that turns a value into rich output.
type richMethod struct{ name, mime string }

var richMethodList = []richMethod{
	{"HTML", "text/html"}, {"Markdown", "text/markdown"}, {"SVG", "image/svg+xml"},
	{"PNG", "image/png"}, {"JPEG", "image/jpeg"}, {"Error", "text/plain"}, {"String", "text/plain"},
}

// richMethods returns the rich methods some type of the notebook has.
func (s *Session) richMethods() []richMethod {
	s.stMu.Lock()
	defer s.stMu.Unlock()
	var out []richMethod
	for _, m := range richMethodList {
		for name, d := range s.st.decls {
			if d.kind == kMethod && strings.HasSuffix(name, "."+m.name) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// definesOf returns the top-level x := ... statements as var declarations.
func definesOf(fset *token.FileSet, text []byte, base int, list []ast.Stmt) []*decl {
	var out []*decl
	for _, st := range list {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE {
			continue
		}
		d := &decl{kind: kDefine, line: fset.Position(as.Pos()).Line - 1, refs: refsOf(as)}
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
				d.names = append(d.names, id.Name)
			}
		}
		if len(d.names) == 0 {
			continue
		}
		if len(as.Lhs) == len(as.Rhs) {
			// One declaration per name, each with its own initialiser.
			for i, l := range as.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				out = append(out, &decl{kind: kDefine, names: []string{id.Name}, line: d.line, refs: refsOf(as.Rhs[i]),
					text: "var " + id.Name + " = " + nodeText(fset, text, 0, as.Rhs[i]), recv: typeHint(fset, text, as.Rhs[i])})
			}
			continue
		}
		lhs := make([]string, len(as.Lhs))
		for i, l := range as.Lhs {
			lhs[i] = nodeText(fset, text, 0, l)
		}
		rhs := make([]string, len(as.Rhs))
		for i, r := range as.Rhs {
			rhs[i] = nodeText(fset, text, 0, r)
		}
		d.text = "var " + strings.Join(lhs, ", ") + " = " + strings.Join(rhs, ", ")
		out = append(out, d)
	}
	return out
}

// typeHint returns the type an initialiser names itself (T{...}, &T{...},
// []int{...}), or "".
func typeHint(fset *token.FileSet, text []byte, e ast.Expr) string {
	switch e := e.(type) {
	case *ast.CompositeLit:
		if e.Type != nil {
			return nodeText(fset, text, 0, e.Type)
		}
	case *ast.UnaryExpr:
		if cl, ok := e.X.(*ast.CompositeLit); ok && e.Op == token.AND && cl.Type != nil {
			return "*" + nodeText(fset, text, 0, cl.Type)
		}
	}
	return ""
}

// recordDefines keeps the variables a cell defined with := so that Source
// declares them, with their type when it can be written.
func (s *Session) recordDefines(defines []*decl) {
	cell := s.cellNumber()
	for _, d := range defines {
		d.cell = cell
		if len(d.names) == 1 {
			typ := d.recv
			d.recv = ""
			if typ == "" {
				if v, err := s.in.Eval(d.names[0]); err == nil && v.IsValid() {
					typ = s.typeExpr(v.Type())
				}
			}
			if typ != "" {
				d.text = "var " + d.names[0] + " " + typ
			}
		}
	}
	s.stMu.Lock()
	for _, d := range defines {
		s.st.put(d)
	}
	s.stMu.Unlock()
}

// typeExpr writes t in Go syntax using the notebook's import names, or
// returns "" when it cannot.
func (s *Session) typeExpr(t reflect.Type) string {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name()
		}
		s.stMu.Lock()
		defer s.stMu.Unlock()
		for name, p := range s.st.imports {
			if p == t.PkgPath() {
				return name + "." + t.Name()
			}
		}
		return ""
	}
	elem := func(prefix string, e reflect.Type) string {
		if x := s.typeExpr(e); x != "" {
			return prefix + x
		}
		return ""
	}
	switch t.Kind() {
	case reflect.Slice:
		return elem("[]", t.Elem())
	case reflect.Array:
		return elem("["+strconv.Itoa(t.Len())+"]", t.Elem())
	case reflect.Pointer:
		return elem("*", t.Elem())
	case reflect.Map:
		if k := s.typeExpr(t.Key()); k != "" {
			return elem("map["+k+"]", t.Elem())
		}
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any"
		}
	}
	return ""
}

// lower passes code (a cell group, blanked to its own lines) through
// package lower. open is what precedes the group on the first line of the
// file lower sees ("func __cell() {" for statements). The result is what
// yaegi gets after its own first line.
func (s *Session) lower(ctx context.Context, src, code []byte, open string, names map[string]bool) ([]byte, error) {
	head := "package main;" + s.importLine() + open
	file := []byte(head + "\n" + string(code))
	if open != "" {
		file = append(file, "\n}"...)
	}
	type rewritten struct {
		out, helpers []byte
		err          error
	}
	var r rewritten
	if s.lowerCannotChange(code) {
		// What lower.Rewrite returns for a cell it leaves alone, without
		// its type check and without a goroutine.
		r.out = file
	} else {
		done := make(chan rewritten, 1)
		ctxFiles := s.context(names)
		go func() {
			// The first check of a package imports it from source, which can
			// take seconds: an interrupt must not wait for it.
			out, helpers, err := lower.Rewrite(file, ctxFiles)
			done <- rewritten{out, helpers, err}
		}()
		select {
		case r = <-done:
		case <-ctx.Done():
			return nil, s.yaegiError(ctx, src, ctx.Err(), nil)
		}
	}
	out, helpers, err := r.out, r.helpers, r.err
	if err != nil {
		var le *lower.Error
		if errors.As(err, &le) {
			return nil, s.errorAt(src, le.Line-1, le.Col, le.Msg)
		}
		return nil, s.errorAt(src, 0, 0, err.Error())
	}
	if len(helpers) > 0 {
		base := s.in.FileSet().Base()
		if _, err := s.eval(ctx, string(helpers)); err != nil {
			s.note(fmt.Sprintf("note: gopherlab helper code failed: %v\n", err))
		}
		s.stMu.Lock()
		s.st.helperFiles = append(s.st.helperFiles, [2]int{base, s.in.FileSet().Base()})
		s.stMu.Unlock()
	}
	nl := bytes.IndexByte(out, '\n')
	if nl < 0 {
		return code, nil
	}
	out = out[nl+1:]
	if open != "" {
		if i := bytes.LastIndexByte(out, '}'); i >= 0 {
			out = out[:i]
		}
	}
	return out, nil
}

// lowerCannotChange reports, from the tokens of code alone, that package
// lower would return it unchanged, so that a trivial cell (`a := 1`) skips
// lower's type check. It is conservative: lower rewrites only loops, index
// and instantiation brackets, the builtins min, max, clear and new, uses of
// imported packages and of the notebook's generic functions, and code with
// none of these tokens has none of those.
func (s *Session) lowerCannotChange(code []byte) bool {
	var sc scanner.Scanner
	fset := token.NewFileSet()
	sc.Init(fset.AddFile("", -1, len(code)), code, nil, 0)
	s.stMu.Lock()
	defer s.stMu.Unlock()
	if _, ok := s.st.imports["."]; ok {
		return false
	}
	for {
		_, tok, lit := sc.Scan()
		switch tok {
		case token.EOF:
			return true
		case token.ILLEGAL, token.FOR, token.RANGE, token.LBRACK:
			return false
		case token.IDENT:
			switch lit {
			case "min", "max", "clear", "new":
				return false
			}
			if _, ok := s.st.imports[lit]; ok {
				return false
			}
			if d := s.st.decls[lit]; d != nil && d.kind == kFunc && strings.Contains(d.text, "[") {
				return false
			}
		}
	}
}

// edit replaces bytes [start, end) of a cell with text; start == end
// inserts.
type edit struct {
	start, end int
	text       string
	gen        func(cur []byte, at func(int) int) string // computes text from the edited source
}

// applyEdits applies edits to src, innermost first, so that an edit's
// generator sees the edits inside its range already applied.
func applyEdits(src []byte, edits []edit) []byte {
	if len(edits) == 0 {
		return src
	}
	sorted := append([]edit{}, edits...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].start != sorted[j].start {
			return sorted[i].start > sorted[j].start
		}
		return sorted[i].end < sorted[j].end
	})
	cur := append([]byte{}, src...)
	type applied struct{ start, end, delta int }
	var done []applied
	at := func(off int) int {
		d := 0
		for _, a := range done {
			if a.end <= off && !(a.start == a.end && a.start == off) {
				d += a.delta
			}
		}
		return off + d
	}
	for _, e := range sorted {
		text := e.text
		if e.gen != nil {
			text = e.gen(cur, at)
		}
		s, t := at(e.start), at(e.end)
		if e.start == e.end {
			t = s
		}
		if s < 0 || t > len(cur) || s > t {
			continue
		}
		cur = append(cur[:s:s], append([]byte(text), cur[t:]...)...)
		done = append(done, applied{e.start, e.end, len(text) - (e.end - e.start)})
	}
	return cur
}

// goEdits rewrites the go statements in n so that a panic in the new
// goroutine is recovered and reported instead of ending the kernel, and the
// defer statements of a cell's own statements (outside function literals)
// so that they run when the cell ends:
//
//	go f(a, b)     ->  {__glrt.Go("cell line 3", false, f, a, b)}
//	defer f(a...)  ->  {__glrt.Defer("cell line 4", true, f, a)}
//
// The function and arguments are evaluated where the statement stood, as Go
// does, and handed to compiled code, which calls the function in a new
// goroutine under a recover (a recover in interpreted code would not run
// once the cell is stopped), or keeps it for the end of the cell. Lines are
// kept.
func (s *Session) goEdits(fset *token.FileSet, base int, n ast.Node, where string) []edit {
	var edits []edit
	off := func(p token.Pos) int { return fset.Position(p).Offset - base }
	topDefers := map[ast.Stmt]bool{}
	if b, ok := n.(*ast.BlockStmt); ok && where == "" {
		// The statements of a cell: a defer there (outside function
		// literals) runs when the cell ends; yaegi would keep it in its
		// global frame for ever.
		ast.Inspect(b, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.DeferStmt:
				topDefers[n] = true
			}
			return true
		})
	}
	ast.Inspect(n, func(n ast.Node) bool {
		if fl, ok := n.(*ast.FuncDecl); ok && where == "" {
			where = "func " + fl.Name.Name
		}
		var call *ast.CallExpr
		var stmt ast.Stmt
		switch st := n.(type) {
		case *ast.GoStmt:
			call, stmt = st.Call, st
		case *ast.DeferStmt:
			if !topDefers[st] {
				return true
			}
			call, stmt = st.Call, st
		default:
			return true
		}
		isDefer := topDefers[stmt]
		line := fset.Position(stmt.Pos()).Line - 1
		at := fmt.Sprintf("cell line %d", line)
		if where != "" {
			at = fmt.Sprintf("line %d (in %s)", line, where)
		}
		start, end := off(stmt.Pos()), off(stmt.End())
		funStart, funEnd := off(call.Fun.Pos()), off(call.Fun.End())
		type arg struct{ start, end int }
		var args []arg
		for _, a := range call.Args {
			args = append(args, arg{off(a.Pos()), off(a.End())})
		}
		ellipsis := call.Ellipsis.IsValid()
		builtin := false
		if id, ok := call.Fun.(*ast.Ident); ok && builtins[id.Name] {
			if !isDefer {
				return true // go println(...): nothing of the cell's can panic
			}
			builtin = true
		}
		edits = append(edits, edit{start: start, end: end, gen: func(cur []byte, pos func(int) int) string {
			piece := func(s, e int) string {
				a, b := pos(s), pos(e)
				if a < 0 || b > len(cur) || a > b {
					return ""
				}
				return string(cur[a:b])
			}
			var b strings.Builder
			switch {
			case builtin:
				// defer close(ch): a builtin is no value; its arguments
				// are evaluated when the cell ends.
				fmt.Fprintf(&b, "__glrt.Defer(%q, false, func() { %s })", at, piece(off(call.Pos()), off(call.End())))
			default:
				name := "Go"
				if isDefer {
					name = "Defer"
				}
				fmt.Fprintf(&b, "__glrt.%s(%q, %v, %s", name, at, ellipsis, piece(funStart, funEnd))
				for _, a := range args {
					b.WriteString(", ")
					b.WriteString(piece(a.start, a.end))
				}
				b.WriteString(")")
			}
			orig := piece(start, end)
			text := b.String()
			for i := strings.Count(text, "\n"); i < strings.Count(orig, "\n"); i++ {
				text += "\n"
			}
			return "{" + text + "}"
		}})
		return true
	})
	return edits
}

// builtins are the predeclared functions, which are not values.
var builtins = map[string]bool{
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true,
	"delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true, "new": true,
	"panic": true, "print": true, "println": true, "real": true, "recover": true,
}

// compileError turns a parse error into a cell error.
func (s *Session) compileError(src []byte, err error, _ []error) *Error {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		msg := list[0].Msg
		if !strings.HasPrefix(msg, "expected") && !strings.HasPrefix(msg, "syntax error") {
			msg = "syntax error: " + msg
		} else if strings.HasPrefix(msg, "expected") {
			msg = "syntax error: " + msg
		}
		return s.errorAt(src, list[0].Pos.Line-1, list[0].Pos.Column, msg)
	}
	return s.errorAt(src, 0, 0, err.Error())
}

// yaegiError turns an error of the interpreter into a cell error: an
// interrupt, a panic, os.Exit, or a compile error (reworded by check when
// it has something to say).
func (s *Session) yaegiError(ctx context.Context, src []byte, err error, check func() []error) *Error {
	if ctx.Err() != nil {
		frames := s.errw.take()
		_ = frames
		if errors.Is(context.Cause(ctx), errDeadlock) {
			return &Error{Name: ErrDeadlock, Value: "all goroutines are asleep - deadlock!", Traceback: []string{
				"fatal error: all goroutines are asleep - deadlock!",
				"",
				"Every goroutine of this cell is waiting (on a channel, select, WaitGroup or Mutex) for something no goroutine will ever do.",
				"The cell was stopped; the kernel and your variables are kept.",
			}}
		}
		return &Error{Name: ErrInterrupted, Value: "the cell was interrupted", Traceback: []string{
			"Interrupted: the cell was interrupted; the kernel and your variables are kept"}}
	}
	var p interp.Panic
	if errors.As(err, &p) {
		frames := s.errw.take()
		if ex, ok := p.Value.(exitSignal); ok {
			msg := fmt.Sprintf("the cell called os.Exit(%d)", ex.code)
			if ex.fatal {
				msg = "the cell called log.Fatal"
			}
			return &Error{Name: ErrExit, Value: msg, Traceback: []string{
				ErrExit + ": " + msg,
				"In a notebook this ends the cell, not the kernel: your variables are kept.",
			}}
		}
		if len(frames) == 0 {
			// A crash of the interpreter while compiling, not a panic of
			// the learner's code.
			if check != nil {
				if e := s.checkError(src, check()); e != nil {
					return e
				}
			}
			return s.errorAt(src, 0, 0, fmt.Sprintf("gopherlab cannot run this cell (the interpreter failed: %v)", p.Value))
		}
		tb := []string{"panic: " + panicText(p.Value), "", "goroutine running the cell:"}
		for _, f := range frames {
			if f.fn == "main" {
				tb = append(tb, "the cell's statements", "\tnear cell line "+strconv.Itoa(f.line-1))
				continue
			}
			tb = append(tb, funcName(f.fn)+"(...)", "\t"+s.frameWhere(f))
		}
		return &Error{Name: ErrPanic, Value: panicText(p.Value), Traceback: tb}
	}
	if check != nil {
		if e := s.checkError(src, check()); e != nil {
			return e
		}
	}
	msg := err.Error()
	line, col := 0, 0
	if l, c, rest, ok := splitPos(msg); ok {
		line, col, msg = l-1, c, rest
	}
	if i := strings.Index(msg, "\n"); i >= 0 {
		msg = msg[:i]
	}
	return s.errorAt(src, line, col, cleanMessage(msg))
}

// frameWhere says where a panic frame is, in the learner's terms.
func (s *Session) frameWhere(f frame) string {
	name := strings.TrimPrefix(f.fn, "main.")
	if i := strings.Index(name, ".func"); i >= 0 {
		name = name[:i]
	}
	s.stMu.Lock()
	d := s.st.decls[name]
	s.stMu.Unlock()
	// yaegi reports the start of the function rather than the statement
	// that panicked, so name the declaration, which is exact.
	if d != nil && (d.kind == kFunc || d.kind == kMethod) {
		if d.cell != s.cellNumber() {
			return fmt.Sprintf("in func %s, declared at line %d of an earlier cell", name, d.line)
		}
		return fmt.Sprintf("in func %s, declared at cell line %d", name, d.line)
	}
	return fmt.Sprintf("near cell line %d", f.line-1)
}

// checkError reports the errors of lower.Check.
func (s *Session) checkError(src []byte, errs []error) *Error {
	var first *Error
	var more []string
	errs = notebookErrors(errs)
	if len(errs) == 0 {
		return nil
	}
	for i, err := range errs {
		line, col, msg := 0, 0, err.Error()
		var le *lower.Error
		if errors.As(err, &le) {
			line, col, msg = le.Line-1, le.Col, le.Msg
		}
		if i == 0 {
			first = s.errorAt(src, line, col, msg)
		} else if i < 10 {
			more = append(more, fmt.Sprintf("cell line %d: %s", line, msg))
		}
	}
	first.Traceback = append(first.Traceback, more...)
	return first
}

// notebookErrors drops the errors a notebook allows: unused variables and
// imports.
func notebookErrors(errs []error) []error {
	var out []error
	for _, err := range errs {
		msg := err.Error()
		var le *lower.Error
		if errors.As(err, &le) && strings.HasPrefix(le.Msg, "\t") {
			continue // go/types' "\tother declaration of x" follows its error
		}
		if strings.Contains(msg, "declared and not used") || strings.Contains(msg, "imported and not used") ||
			(strings.Contains(msg, " imported as ") && strings.HasSuffix(msg, "not used")) {
			continue
		}
		out = append(out, err)
	}
	return out
}

// shiftPos rewrites a leading "LINE:COL: " of an error from a stored
// declaration into the learner's terms.
func shiftPos(err error) string {
	msg := err.Error()
	if l, _, rest, ok := splitPos(msg); ok {
		return fmt.Sprintf("line %d of its cell: %s", l-1, cleanMessage(rest))
	}
	return cleanMessage(msg)
}

// splitPos parses yaegi's "LINE:COL: message".
func splitPos(msg string) (line, col int, rest string, ok bool) {
	a, b, found := strings.Cut(msg, ":")
	if !found {
		return 0, 0, msg, false
	}
	l, err := strconv.Atoi(a)
	if err != nil {
		return 0, 0, msg, false
	}
	c, r, found := strings.Cut(b, ":")
	if !found {
		return 0, 0, msg, false
	}
	cn, err := strconv.Atoi(c)
	if err != nil {
		return 0, 0, msg, false
	}
	return l, cn, strings.TrimSpace(r), true
}

// cleanMessage rewords yaegi messages that would confuse a learner.
func cleanMessage(msg string) string {
	if m := constAssign().FindStringSubmatch(msg); m != nil {
		// yaegi v0.16.1 takes a package variable of a basic type
		// (runtime.MemProfileRate) for a constant, and prints its value
		// with a bad verb.
		return "cannot assign to this package variable (" + m[1] + ") from a cell: the interpreter takes it for a constant. " +
			"Assign through a pointer instead: p := &pkg.Name; *p = value"
	}
	msg = strings.ReplaceAll(msg, "/_.go", "")
	msg = strings.ReplaceAll(msg, "__glshow(", "(")
	msg = strings.ReplaceAll(msg, mainName, "main")
	return msg
}

// constAssign matches yaegi's message for an assignment to a package
// variable it takes for a constant: "cannot assign to %!s(int=524288) (int
// constant)".
var constAssign = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^cannot assign to %!s\((\w+)=.*\) \(\w+ constant\)$`)
})

// errorAt builds a compile error at a cell line (0 when unknown) with the
// line quoted and a caret under the column.
func (s *Session) errorAt(src []byte, line, col int, msg string) *Error {
	if n := bytes.Count(src, []byte("\n")) + 1; line > n {
		// Past the end: the wrapper's closing brace.
		line, col = n, 0
		msg = strings.Replace(msg, "found '}'", "found the end of the cell", 1)
	}
	value := msg
	if line > 0 {
		value = fmt.Sprintf("cell line %d: %s", line, msg)
	}
	tb := []string{ErrCompile + ": " + value}
	lines := strings.Split(string(src), "\n")
	if line > 0 && line <= len(lines) {
		tb = append(tb, "", fmt.Sprintf("%4d | %s", line, lines[line-1]))
		if col > 0 {
			pad := []byte(strings.Repeat(" ", min(col-1, len(lines[line-1]))))
			for i := range pad {
				if lines[line-1][i] == '\t' {
					pad[i] = '\t'
				}
			}
			tb = append(tb, "     | "+string(pad)+"^")
		}
	}
	return &Error{Name: ErrCompile, Value: value, Traceback: tb}
}
