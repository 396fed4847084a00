package mp

import (
	"fmt"
	"reflect"
)

// A poolFunc is a function a Pool calls, as the pool sees it.
type poolFunc struct {
	v    reflect.Value
	ref  targetRef
	name string         // short name, for messages
	in   []reflect.Type // parameter types
	out  reflect.Type   // result type; nil when the function returns no value
	err  bool           // the last result is an error
}

// newPoolFunc checks that fn can be called by a Pool's workers: a top-level
// function, not variadic, returning nothing, a value, an error, or a value
// and an error. method names the Pool method for messages; params is the
// number of parameters the method needs, or -1 for any.
func newPoolFunc(method string, fn any, params int) (*poolFunc, error) {
	v, ref, err := refTarget(fn)
	if err != nil {
		return nil, err
	}
	t := v.Type()
	f := &poolFunc{v: v, ref: ref, name: shortName(ref.Name)}
	nout := t.NumOut()
	if nout > 0 && t.Out(nout-1) == errorType {
		f.err = true
		nout--
	}
	if nout == 1 {
		f.out = t.Out(0)
	}
	switch {
	case t.IsVariadic():
		return nil, fmt.Errorf("mp: Pool.%s cannot call the variadic function %s (a %s); declare one with a slice parameter instead", method, f.name, t)
	case nout > 1:
		return nil, fmt.Errorf("mp: Pool.%s needs a function returning one value (and optionally an error); %s is a %s", method, f.name, t)
	case params == 1 && t.NumIn() != 1:
		return nil, fmt.Errorf("mp: Pool.%s needs a function of one parameter returning one value (and optionally an error), like func square(x int) int; %s is a %s (Starmap calls functions of several parameters)", method, f.name, t)
	}
	for i := 0; i < t.NumIn(); i++ {
		pt := t.In(i)
		if pt.Implements(sharerType) {
			return nil, fmt.Errorf("mp: Pool.%s: parameter %d of %s is a %s: shared objects cannot be sent to a pool's tasks; pass them to processes you start with mp.NewProcess", method, i+1, f.name, pt)
		}
		if pt.Kind() != reflect.Interface {
			if err := checkCopyable(pt, map[reflect.Type]bool{}); err != nil {
				return nil, fmt.Errorf("mp: Pool.%s: parameter %d of %s (a %s) cannot be copied to a worker: %w", method, i+1, f.name, pt, err)
			}
		}
		f.in = append(f.in, pt)
	}
	if f.out != nil && f.out.Kind() != reflect.Interface {
		if err := checkCopyable(f.out, map[reflect.Type]bool{}); err != nil {
			return nil, fmt.Errorf("mp: Pool.%s: the result of %s (a %s) cannot be copied back from a worker: %w", method, f.name, f.out, err)
		}
	}
	return f, nil
}

// sequence returns items, a slice or an array, as a reflect value with its
// length; nil is the empty sequence.
func sequence(method, what string, items any) (reflect.Value, int, error) {
	if items == nil {
		return reflect.Value{}, 0, nil
	}
	v := reflect.ValueOf(items)
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		return v, v.Len(), nil
	}
	return reflect.Value{}, 0, fmt.Errorf("mp: Pool.%s: %s must be a slice or an array, like []int{1, 2, 3}; got a %T", method, what, items)
}

// column returns the items of seq (n of them) as a []t, converting each as
// a call of the function would (an int constant may go to a float64
// parameter; an element of a []any is its dynamic value). When the items
// are already a []t, the result shares their memory unless copied is set.
func column(method string, seq reflect.Value, n int, t reflect.Type, f *poolFunc, copied bool) (reflect.Value, error) {
	st := reflect.SliceOf(t)
	if n > 0 && seq.Type() == st && !copied && t.Kind() != reflect.Interface {
		return seq, nil
	}
	col := reflect.MakeSlice(st, n, n)
	if n > 0 && seq.Type().Elem() == t && t.Kind() != reflect.Interface {
		reflect.Copy(col, seq)
		return col, nil
	}
	for i := 0; i < n; i++ {
		x, err := convertItem(seq.Index(i), t)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("mp: Pool.%s: item %d for %s: %w", method, i, f.name, err)
		}
		col.Index(i).Set(x)
	}
	return col, nil
}

// convertItem converts v to a value that can be stored in a t.
func convertItem(v reflect.Value, t reflect.Type) (reflect.Value, error) {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			switch t.Kind() {
			case reflect.Interface, reflect.Slice, reflect.Map:
				return reflect.Zero(t), nil
			}
			return reflect.Value{}, fmt.Errorf("it is nil, but the function wants a %s", t)
		}
		v = v.Elem()
	}
	if t.Kind() == reflect.Interface {
		if !v.Type().Implements(t) {
			return reflect.Value{}, fmt.Errorf("a %s does not implement %s", v.Type(), t)
		}
		if _, ok := v.Interface().(sharer); ok {
			return reflect.Value{}, fmt.Errorf("a %s cannot be sent to a pool's task; pass shared objects to processes you start with mp.NewProcess", v.Type())
		}
		if err := checkCopyable(v.Type(), map[reflect.Type]bool{}); err != nil {
			return reflect.Value{}, fmt.Errorf("a %s cannot be copied to a worker: %w", v.Type(), err)
		}
		return v, nil
	}
	return convertArg(v, t)
}

// starColumns turns argLists, a sequence of argument lists (each a slice or
// array, or an interface holding one), into one column per parameter of f.
func starColumns(method string, seq reflect.Value, n int, f *poolFunc) ([]reflect.Value, error) {
	cols := make([]reflect.Value, len(f.in))
	for j, t := range f.in {
		cols[j] = reflect.MakeSlice(reflect.SliceOf(t), n, n)
	}
	for i := 0; i < n; i++ {
		args := seq.Index(i)
		if args.Kind() == reflect.Interface && !args.IsNil() {
			args = args.Elem()
		}
		if k := args.Kind(); k != reflect.Slice && k != reflect.Array {
			return nil, fmt.Errorf("mp: Pool.%s: item %d must be a list of arguments for %s, like []any{1, \"a\"}; got a %s", method, i, f.name, args.Type())
		}
		if args.Len() != len(f.in) {
			return nil, fmt.Errorf("mp: Pool.%s: item %d has %d argument%s; %s takes %d (%s)", method, i, args.Len(), plural(args.Len()), f.name, len(f.in), f.v.Type())
		}
		for j, t := range f.in {
			x, err := convertItem(args.Index(j), t)
			if err != nil {
				return nil, fmt.Errorf("mp: Pool.%s: item %d, argument %d of %s: %w", method, i, j+1, f.name, err)
			}
			cols[j].Index(i).Set(x)
		}
	}
	return cols, nil
}

// argColumns turns the arguments of one call into columns of one value.
func argColumns(method string, args []any, f *poolFunc) ([]reflect.Value, error) {
	if len(args) != len(f.in) {
		return nil, fmt.Errorf("mp: Pool.%s: %s takes %d argument%s (%s), got %d", method, f.name, len(f.in), plural(len(f.in)), f.v.Type(), len(args))
	}
	cols := make([]reflect.Value, len(f.in))
	for j, t := range f.in {
		cols[j] = reflect.MakeSlice(reflect.SliceOf(t), 1, 1)
		x, err := convertItem(reflect.ValueOf(&args[j]).Elem(), t)
		if err != nil {
			return nil, fmt.Errorf("mp: Pool.%s: argument %d of %s: %w", method, j+1, f.name, err)
		}
		cols[j].Index(0).Set(x)
	}
	return cols, nil
}
