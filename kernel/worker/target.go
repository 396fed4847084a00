package worker

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// Symbols adds the tagging function that [Rewrite] inserts to the
// interpreter's view of package mp, and the package of the functions
// [Lower] makes the declarations call (go statements). Use it after the
// bindings of runtime/mp:
//
//	in.Use(symbols.Symbols)
//	in.Use(worker.Symbols)
var Symbols = interp.Exports{
	MPPath + "/mp":    {TagFunc: reflect.ValueOf(tag), CheckedFunc: reflect.ValueOf(checked)},
	goRuntime + "/rt": {"Go": reflect.ValueOf(goCall)},
}

// tagged maps the function value of each marked target (the data word of
// the interface holding it) to its spec, from [tag] until [Resolve] looks
// it up: mp.NewProcess resolves its target at once, so an entry lives for
// one call. Entries keep the value alive meanwhile, so its address cannot
// be reused by another function value; refs counts the tags not yet looked
// up (goroutines of a cell may start the same function at once).
var (
	taggedMu sync.Mutex
	tagged   = map[unsafe.Pointer]*taggedTarget{}
)

type taggedTarget struct {
	spec   string
	target any
	refs   int
}

// tag records the spec of target and returns target unchanged.
func tag(spec string, target any) any {
	if p := funcPointer(target); p != nil {
		taggedMu.Lock()
		e := tagged[p]
		if e == nil {
			e = &taggedTarget{target: target}
			tagged[p] = e
		}
		e.spec = spec
		e.refs++
		taggedMu.Unlock()
	}
	return target
}

// lookupTag returns the spec target was tagged with, if any, and forgets
// one tag of it.
func lookupTag(target any) string {
	p := funcPointer(target)
	taggedMu.Lock()
	defer taggedMu.Unlock()
	e := tagged[p]
	if e == nil {
		return ""
	}
	if e.refs--; e.refs <= 0 {
		delete(tagged, p)
	}
	return e.spec
}

// funcPointer returns the identity of the function value in x (the pointer
// its interface holds), or nil when x does not hold a non-nil function.
func funcPointer(x any) unsafe.Pointer {
	if x == nil || reflect.TypeOf(x).Kind() != reflect.Func {
		return nil
	}
	// A func is pointer-shaped: the interface's data word is the function
	// value itself, distinct for each reflect.MakeFunc wrapper yaegi builds.
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&x))[1]
}

// TargetError is the error [Resolve] returns for a target that cannot run
// in a child process. Its message says why and what to write instead.
type TargetError struct {
	Target string // the target as written in the cell, or "" if unknown
	Reason string
}

// Error returns the reason, which says what to write instead.
func (e *TargetError) Error() string { return e.Reason }

// Resolve returns the name by which a child finds target: a top-level
// function of the notebook ("add") or a function of an imported package
// ("strings.ToUpper"). It returns a *TargetError when target cannot run in a
// child, saying why and what to write instead.
func Resolve(target reflect.Value) (string, error) {
	if !target.IsValid() || target.Kind() != reflect.Func || target.IsNil() {
		return "", &TargetError{Reason: "mp: the target of a Process must be a function, declared at the top level of a cell: func work(...) { ... }"}
	}
	var spec string
	if target.CanInterface() {
		spec = lookupTag(target.Interface())
	}
	if spec == "" {
		return "", &TargetError{Reason: "mp: this function cannot run in a child process: the child finds its target by name, " +
			"so pass a function declared at the top level of a cell, by its name, directly to mp.NewProcess: " +
			"func work(...) { ... } and then mp.NewProcess(work, ...)"}
	}
	mark, written, _ := strings.Cut(spec, " ")
	switch mark {
	case markLiteral:
		return "", &TargetError{written, fmt.Sprintf("mp: cannot run a function literal in a child process. %s "+
			"Write instead: func work(...) { ... } in a cell, then mp.NewProcess(work, ...), passing what the literal used as arguments.", how)}
	case markVar:
		return "", &TargetError{written, fmt.Sprintf("mp: cannot run %s in a child process: %s is a variable (a function value or closure), not a top-level function. %s "+
			"Declare func %s(...) { ... } at the top level of a cell, pass it by name, and pass the values it captures as arguments.", written, written, how, written)}
	case markMethod:
		return "", &TargetError{written, fmt.Sprintf("mp: cannot run the method value %s in a child process. %s "+
			"Write a top-level function that takes the receiver as an argument, e.g. func work(v T, ...) { v.Method(...) }, and pass work and the receiver.", written, how)}
	case markExpr:
		return "", &TargetError{written, fmt.Sprintf("mp: cannot run %s in a child process: only a function named directly can. %s "+
			"Pass the function's name: mp.NewProcess(work, ...).", written, how)}
	}
	return spec, nil
}
