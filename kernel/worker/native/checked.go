package native

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"strings"
)

// CheckedFunc is the name of the function that the calls a cell's code
// makes of package mp, and whose error it drops, are wrapped in (see
// kernel/worker's RewriteCell): the interpreter's view of package mp has
// it, and a compiled worker program calls [Checked].
const CheckedFunc = "GopherlabChecked_"

// mpPath is the import path of package mp.
const mpPath = "github.com/gopherlab/gopherlab/runtime/mp"

// Checked calls fn(args...), for a call statement at where ("cell[5]:3")
// whose text is call, and when fn is a function of package mp that
// returned a non-nil error, writes it to the standard error: the
// compiled worker's side of the errors a cell drops.
func Checked(where, call string, fn any, args ...any) {
	CallChecked(os.Stderr, where, call, fn, args...)
}

// CallChecked is [Checked] writing to w.
func CallChecked(w io.Writer, where, call string, fn any, args ...any) {
	v := reflect.ValueOf(fn)
	if !v.IsValid() || v.Kind() != reflect.Func {
		panic(fmt.Sprintf("call of a non-function %T", fn))
	}
	if v.IsNil() {
		panic("runtime error: invalid memory address or nil pointer dereference")
	}
	ft := v.Type()
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		pt := paramType(ft, i)
		if a == nil {
			in[i] = reflect.Zero(pt)
			continue
		}
		x := reflect.ValueOf(a)
		if x.Type() != pt && x.Type().ConvertibleTo(pt) && pt.Kind() != reflect.Interface {
			x = x.Convert(pt)
		}
		in[i] = x
	}
	out := v.Call(in)
	if len(out) == 0 {
		return
	}
	last := out[len(out)-1]
	if last.Type() != errorType || last.IsNil() || !isMP(v) && !strings.HasPrefix(last.Interface().(error).Error(), "mp: ") {
		return
	}
	fmt.Fprintf(w, "%s: unchecked error from %s: %v\n", where, call, last.Interface())
}

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// paramType returns the type of the i'th argument of a function of type ft.
func paramType(ft reflect.Type, i int) reflect.Type {
	if ft.IsVariadic() && i >= ft.NumIn()-1 {
		return ft.In(ft.NumIn() - 1).Elem()
	}
	if i < ft.NumIn() {
		return ft.In(i)
	}
	return reflect.TypeOf((*any)(nil)).Elem()
}

// isMP reports whether v is a function of package mp. (A method value
// made by reflect, as the interpreter makes them, is a function of
// reflect: its error, which starts with "mp: ", tells.)
func isMP(v reflect.Value) bool {
	f := runtime.FuncForPC(v.Pointer())
	return f != nil && strings.HasPrefix(f.Name(), mpPath+".")
}
