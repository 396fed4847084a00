package worker

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// This file names interpreted functions that reach compiled code without a
// mark from [Rewrite], by looking inside the wrappers yaegi v0.16.1 builds.
//
// An interpreted function passed as an `any` becomes a reflect.MakeFunc
// wrapper whose implementation is a closure (yaegi's genFunctionWrapper)
// capturing the frame and the node of the function's declaration. Two
// wrappers of the same top-level function capture the same declaration
// node; wrappers of different functions do not. The layout of that closure
// is not an API, so it is checked at first use against a small interpreter
// ([layout]); when the check fails, identification is off and only marked
// targets are accepted.

// makeFuncImpl mirrors the head of reflect.makeFuncImpl (Go 1.26): the
// fields up to fn, the implementation closure.
type makeFuncImpl struct {
	fn      uintptr
	stack   unsafe.Pointer
	argLen  uintptr
	regPtrs uint64
	ftyp    unsafe.Pointer
	impl    func([]reflect.Value) []reflect.Value
}

// wrapperLayout describes yaegi's function wrappers as found by calibration.
type wrapperLayout struct {
	ok       bool
	stubCode uintptr // code pointer of every reflect.MakeFunc function
	implCode uintptr // code pointer of yaegi's wrapper closure for declared functions
	defWord  int     // index of the captured declaration node in the closure
}

var (
	layoutOnce sync.Once
	layoutVal  wrapperLayout
)

// layout calibrates wrapperLayout once.
func layout() wrapperLayout {
	layoutOnce.Do(func() { layoutVal = calibrate() })
	return layoutVal
}

// closureWords returns the first n words of the implementation closure of a
// MakeFunc function value fv (the funcval pointer).
func closureWords(fv unsafe.Pointer, n int) []uintptr {
	mf := (*makeFuncImpl)(fv)
	clo := *(*unsafe.Pointer)(unsafe.Pointer(&mf.impl))
	if clo == nil {
		return nil
	}
	return unsafe.Slice((*uintptr)(clo), n)
}

// calibrate learns the wrapper layout from wrappers of known functions.
func calibrate() wrapperLayout {
	l, err := calibrateErr()
	if err != nil {
		return wrapperLayout{}
	}
	return l
}

func calibrateErr() (l wrapperLayout, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker: calibrate: %v", r)
		}
	}()
	stub := reflect.MakeFunc(reflect.TypeOf(func() {}), func([]reflect.Value) []reflect.Value { return nil })
	l.stubCode = stub.Pointer()

	var got []unsafe.Pointer
	keep := func(f any) { got = append(got, funcPointer(f)) }
	in := interp.New(interp.Options{})
	if err := in.Use(interp.Exports{"calibrate/c/c": {"Keep": reflect.ValueOf(keep)}}); err != nil {
		return l, err
	}
	if _, err := in.Eval(`import "calibrate/c"`); err != nil {
		return l, err
	}
	if _, err := in.Eval(`func a(x int) int { return x + 1 }`); err != nil {
		return l, err
	}
	if _, err := in.Eval(`func b(x int) int { return x + 2 }`); err != nil {
		return l, err
	}
	if _, err := in.Eval(`func keepA() { c.Keep(a) }`); err != nil {
		return l, err
	}
	if _, err := in.Eval(`c.Keep(a); c.Keep(b); keepA(); c.Keep(func(x int) int { return x })`); err != nil {
		return l, err
	}
	if len(got) != 4 {
		return l, fmt.Errorf("worker: calibrate: got %d wrappers", len(got))
	}
	for _, p := range got {
		if p == nil {
			return l, errors.New("worker: calibrate: nil wrapper")
		}
	}
	const n = 3
	a1, b1, a2, lit := closureWords(got[0], n), closureWords(got[1], n), closureWords(got[2], n), closureWords(got[3], n)
	if a1 == nil || b1 == nil || a2 == nil || lit == nil || a1[0] != b1[0] || a1[0] != a2[0] {
		return l, fmt.Errorf("worker: calibrate: unexpected closures %x %x %x %x", a1, b1, a2, lit)
	}
	for k := 1; k < n; k++ {
		if a1[k] == a2[k] && a1[k] != b1[k] && a1[k] != 0 {
			return wrapperLayout{ok: true, stubCode: l.stubCode, implCode: a1[0], defWord: k}, nil
		}
	}
	return l, fmt.Errorf("worker: calibrate: no declaration word in %x %x %x", a1, b1, a2)
}

func efaceType(v any) unsafe.Pointer { return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[0] }

// wrapperKind tells what kind of function a value is.
type wrapperKind int

const (
	kindUnknown  wrapperKind = iota
	kindDeclared             // an interpreted declared function (or method)
	kindLiteral              // an interpreted function literal or closure
	kindCompiled             // a compiled function
)

// inspect returns the kind of fn and, for a declared interpreted function,
// the identity of its declaration.
func inspect(fn reflect.Value) (wrapperKind, uintptr) {
	if !fn.IsValid() || fn.Kind() != reflect.Func || fn.IsNil() || !fn.CanInterface() {
		return kindUnknown, 0
	}
	l := layout()
	if fn.Pointer() != l.stubCode || l.stubCode == 0 {
		return kindCompiled, 0
	}
	if !l.ok {
		return kindUnknown, 0
	}
	w := closureWords(funcPointer(fn.Interface()), l.defWord+1)
	if w == nil {
		return kindUnknown, 0
	}
	if w[0] != l.implCode {
		return kindLiteral, 0
	}
	return kindDeclared, w[l.defWord]
}

// identify names target by comparing its declaration with those of the
// notebook's top-level functions in the main scope of in. It returns "" and
// a *TargetError when target is none of them.
func identify(target reflect.Value, in *interp.Interpreter) (string, error) {
	kind, id := inspect(target)
	switch kind {
	case kindCompiled:
		f := runtime.FuncForPC(target.Pointer())
		if f != nil {
			name := f.Name()
			short := name[strings.LastIndexByte(name, '/')+1:]
			if !strings.Contains(short, ".func") && !strings.HasSuffix(short, "-fm") && strings.Count(short, ".") == 1 {
				return short, nil // pkg.Func: the child evaluates it in the notebook's imports
			}
		}
		return "", &TargetError{Reason: "mp: this compiled function cannot run in a child process. " + how +
			" Pass a function declared at the top level of a cell: func work(...) { ... }, then mp.NewProcess(work, ...)."}
	case kindLiteral:
		return "", &TargetError{Reason: "mp: cannot run a function literal or closure in a child process. " + how +
			" Write instead: func work(...) { ... } in a cell, then mp.NewProcess(work, ...), passing the values the closure used as arguments."}
	case kindDeclared:
		if name := declName(in, id); name != "" {
			return name, nil
		}
		return "", &TargetError{Reason: "mp: this function cannot run in a child process: it is not a top-level function of the notebook " +
			"(it is a function literal, a closure or a method value). " + how +
			" Write instead: func work(...) { ... } in a cell and pass work by name, with the values the function used as arguments" +
			" (for a method: func work(v T, ...) { v.Method(...) }, passing the receiver)."}
	}
	return "", &TargetError{Reason: "mp: this function cannot run in a child process. " + how +
		" Pass a function declared at the top level of a cell, by its name: func work(...) { ... }, then mp.NewProcess(work, ...)."}
}

// declName returns the name of the top-level function of in's main package
// whose declaration node is id, or "". It reads yaegi's unexported scope:
// Interpreter.scopes["main"].sym[name].node.
func declName(in *interp.Interpreter, id uintptr) (name string) {
	defer func() {
		if recover() != nil {
			name = ""
		}
	}()
	if in == nil || id == 0 {
		return ""
	}
	scopes := reflect.ValueOf(in).Elem().FieldByName("scopes")
	if scopes.Kind() != reflect.Map {
		return ""
	}
	sc := scopes.MapIndex(reflect.ValueOf("main"))
	if !sc.IsValid() || sc.Kind() != reflect.Pointer || sc.IsNil() {
		return ""
	}
	syms := sc.Elem().FieldByName("sym")
	if syms.Kind() != reflect.Map {
		return ""
	}
	iter := syms.MapRange()
	for iter.Next() {
		sym := iter.Value()
		if sym.Kind() != reflect.Pointer || sym.IsNil() {
			continue
		}
		node := sym.Elem().FieldByName("node")
		if node.Kind() == reflect.Pointer && !node.IsNil() && uintptr(node.UnsafePointer()) == id {
			return iter.Key().String()
		}
	}
	return ""
}

// how explains why targets must be top-level functions.
const how = "A child process rebuilds the notebook's declarations and finds its target by name, so the target must be a function declared at the top level of a cell."
