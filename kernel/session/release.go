package session

import (
	"go/scanner"
	"go/token"
	"reflect"
	"slices"
	"sync"

	"github.com/traefik/yaegi/interp"
)

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
