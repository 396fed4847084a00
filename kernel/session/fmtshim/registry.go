package fmtshim

import (
	"go/ast"
	"go/parser"
	"reflect"
	"sync"
	"sync/atomic"
)

// Registry knows the types a notebook declared: their Go names, the field
// names and types as written, and the methods fmt, errors and encoding/json
// look for. The interpreter fills it (see [Registrations]); a Registry is
// safe for concurrent use.
type Registry struct {
	mu     sync.RWMutex
	byName map[string]*entry
	// byType maps the run-time type of a declared struct type to the
	// declarations that have it (yaegi builds identical unnamed struct
	// types for identical field lists), latest last.
	byType map[reflect.Type][]*entry
	// parsed caches the types of static type strings ([T]); it is
	// replaced when a declaration changes.
	parsed atomic.Pointer[sync.Map]
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	r := &Registry{byName: map[string]*entry{}, byType: map[reflect.Type][]*entry{}}
	r.parsed.Store(new(sync.Map))
	return r
}

// entry is one declared type.
type entry struct {
	name  string       // as declared ("point")
	rt    reflect.Type // the type yaegi made for it
	under string       // its underlying type as written ("struct{ x, y int }")
	iface bool         // an interface type

	mu      sync.Mutex
	methods map[string]method // declared methods, by name
	gt      *gtype            // built on first use
}

// method is a method declared in a cell, as a function of the interpreter
// taking the receiver first (see [Registrations] for the shapes).
type method struct {
	fn  reflect.Value
	ptr bool // declared on the pointer receiver
	// multi is set for an Unwrap method returning []error.
	multi bool
}

func (e *entry) method(name string) (method, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, ok := e.methods[name]
	return m, ok
}

// declare records the type name with run-time type rt (from a typed nil
// pointer) and underlying type under, replacing an earlier declaration of
// the same name.
func (r *Registry) declare(name string, rt reflect.Type, under string) {
	e := &entry{name: name, rt: rt, under: under, methods: map[string]method{}}
	if x, err := parser.ParseExpr(under); err == nil {
		_, e.iface = x.(*ast.InterfaceType)
	}
	r.mu.Lock()
	r.byName[name] = e
	if rt.Kind() == reflect.Struct && rt.Name() == "" {
		list := r.byType[rt]
		kept := list[:0]
		for _, o := range list {
			if o.name != name {
				kept = append(kept, o)
			}
		}
		r.byType[rt] = append(kept, e)
	}
	r.mu.Unlock()
	r.parsed.Store(new(sync.Map))
}

// addMethod records method name of the type typ. fn takes the receiver
// first; a function whose receiver type is not the declared type's (the
// type was declared again since) is ignored.
func (r *Registry) addMethod(typ, name string, ptr bool, fn reflect.Value) {
	r.mu.RLock()
	e := r.byName[typ]
	r.mu.RUnlock()
	if e == nil || !fn.IsValid() || fn.Kind() != reflect.Func || fn.Type().NumIn() == 0 {
		return
	}
	want := e.rt
	if ptr {
		want = reflect.PointerTo(e.rt)
	}
	if fn.Type().In(0) != want {
		return
	}
	m := method{fn: fn, ptr: ptr}
	if name == "Unwrap" && fn.Type().NumOut() == 1 && fn.Type().Out(0).Kind() == reflect.Slice {
		m.multi = true
	}
	e.mu.Lock()
	e.methods[name] = m
	e.mu.Unlock()
}

// lookup returns the declaration named name.
func (r *Registry) lookup(name string) *entry {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byName[name]
}

// ofType returns the declared struct type whose values have the run-time
// type rt: the latest declaration when several share it.
func (r *Registry) ofType(rt reflect.Type) *entry {
	r.mu.RLock()
	defer r.mu.RUnlock()
	list := r.byType[rt]
	if len(list) == 0 {
		return nil
	}
	return list[len(list)-1]
}

// gtype is what the printer knows of a Go type beyond its reflect.Type:
// the name of a declared type, the field names of a struct as written, and
// the same for the types it is made of. A nil *gtype means the reflect.Type
// says it all (a type of the standard library, int, []string).
type gtype struct {
	kind   reflect.Kind // the underlying kind; Interface for interfaces
	name   string       // Go's name of a declared type ("main.point"), or ""
	e      *entry       // the declaration, for its methods
	elem   *gtype       // slice, array, pointer, map and chan elements
	key    *gtype       // map keys
	fields []gfield     // struct fields, in order
	in     []*gtype     // function parameters
	out    []*gtype     // function results
}

type gfield struct {
	name     string // as declared; the type's name for an embedded field
	embedded bool
	t        *gtype
}

func (f gfield) exported() bool { return ast.IsExported(f.name) }

// named returns the type of declaration e.
func (r *Registry) named(e *entry) *gtype {
	e.mu.Lock()
	if g := e.gt; g != nil {
		e.mu.Unlock()
		return g
	}
	e.mu.Unlock()
	g := r.build(e, map[*entry]*gtype{})
	return g
}

// build makes the gtype of e; seen breaks the cycles of recursive types.
func (r *Registry) build(e *entry, seen map[*entry]*gtype) *gtype {
	e.mu.Lock()
	if g := e.gt; g != nil {
		e.mu.Unlock()
		return g
	}
	e.mu.Unlock()
	if g := seen[e]; g != nil {
		return g
	}
	g := &gtype{name: "main." + e.name, e: e, kind: e.rt.Kind()}
	if e.iface {
		g.kind = reflect.Interface
	}
	seen[e] = g
	if x, err := parser.ParseExpr(e.under); err == nil {
		if u := r.typeOf(x, seen); u != nil {
			g.elem, g.key, g.fields = u.elem, u.key, u.fields
		}
	}
	e.mu.Lock()
	if e.gt == nil {
		e.gt = g
	}
	g = e.gt
	e.mu.Unlock()
	return g
}

// typeOf returns the gtype of a type expression written in a cell, or nil
// when it involves no declared type and no struct.
func (r *Registry) typeOf(x ast.Expr, seen map[*entry]*gtype) *gtype {
	switch x := x.(type) {
	case *ast.ParenExpr:
		return r.typeOf(x.X, seen)
	case *ast.Ident:
		if e := r.lookup(x.Name); e != nil {
			return r.build(e, seen)
		}
		return nil
	case *ast.StarExpr:
		if el := r.typeOf(x.X, seen); el != nil {
			return &gtype{kind: reflect.Pointer, elem: el}
		}
		return nil
	case *ast.ArrayType:
		el := r.typeOf(x.Elt, seen)
		if el == nil {
			return nil
		}
		if x.Len == nil {
			return &gtype{kind: reflect.Slice, elem: el}
		}
		return &gtype{kind: reflect.Array, elem: el}
	case *ast.Ellipsis:
		if el := r.typeOf(x.Elt, seen); el != nil {
			return &gtype{kind: reflect.Slice, elem: el}
		}
		return nil
	case *ast.MapType:
		k, v := r.typeOf(x.Key, seen), r.typeOf(x.Value, seen)
		if k == nil && v == nil {
			return nil
		}
		return &gtype{kind: reflect.Map, key: k, elem: v}
	case *ast.ChanType:
		if el := r.typeOf(x.Value, seen); el != nil {
			return &gtype{kind: reflect.Chan, elem: el}
		}
		return nil
	case *ast.FuncType:
		g := &gtype{kind: reflect.Func}
		found := false
		for _, l := range []*ast.FieldList{x.Params, x.Results} {
			if l == nil {
				continue
			}
			for _, f := range l.List {
				ft := r.typeOf(f.Type, seen)
				found = found || ft != nil
				for range max(len(f.Names), 1) {
					if l == x.Params {
						g.in = append(g.in, ft)
					} else {
						g.out = append(g.out, ft)
					}
				}
			}
		}
		if !found {
			return nil
		}
		return g
	case *ast.StructType:
		g := &gtype{kind: reflect.Struct}
		for _, f := range x.Fields.List {
			ft := r.typeOf(f.Type, seen)
			if len(f.Names) == 0 {
				g.fields = append(g.fields, gfield{name: embeddedName(f.Type), embedded: true, t: ft})
				continue
			}
			for _, n := range f.Names {
				g.fields = append(g.fields, gfield{name: n.Name, t: ft})
			}
		}
		return g
	}
	return nil
}

// embeddedName is the field name of an embedded field of type x.
func embeddedName(x ast.Expr) string {
	for {
		switch t := x.(type) {
		case *ast.StarExpr:
			x = t.X
		case *ast.ParenExpr:
			x = t.X
		case *ast.SelectorExpr:
			return t.Sel.Name
		case *ast.IndexExpr:
			x = t.X
		case *ast.IndexListExpr:
			x = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// static returns the gtype of a type written in a cell, as [T] gets it
// ("[]Celsius"), or nil.
func (r *Registry) static(typ string) *gtype {
	cache := r.parsed.Load()
	if g, ok := cache.Load(typ); ok {
		return g.(*gtype)
	}
	var g *gtype
	if x, err := parser.ParseExpr(typ); err == nil {
		g = r.typeOf(x, map[*entry]*gtype{})
	}
	cache.Store(typ, g)
	return g
}

// ptrTo returns the type of pointers to g.
func ptrTo(g *gtype) *gtype {
	if g == nil {
		return nil
	}
	return &gtype{kind: reflect.Pointer, elem: g}
}

// fieldName returns the name of field i of the struct type rt as Go has
// it: from the declaration when known, else undoing yaegi's renaming of
// unexported fields ("Xname" for name).
func fieldName(rt reflect.Type, g *gtype, i int) (name string, exported bool) {
	if g != nil && i < len(g.fields) {
		f := g.fields[i]
		return f.name, f.exported()
	}
	f := rt.Field(i)
	if rt.Name() == "" && rt.PkgPath() == "" && len(f.Name) > 1 && f.Name[0] == 'X' && !ast.IsExported(f.Name[1:]) {
		return f.Name[1:], false
	}
	return f.Name, f.IsExported()
}

// fieldType returns the gtype of field i of a struct of type g.
func fieldType(g *gtype, i int) *gtype {
	if g == nil || i >= len(g.fields) {
		return nil
	}
	return g.fields[i].t
}

func elemOf(g *gtype) *gtype {
	if g == nil {
		return nil
	}
	return g.elem
}

func inOf(g *gtype, i int) *gtype {
	if g == nil || i >= len(g.in) {
		return nil
	}
	return g.in[i]
}

func outOf(g *gtype, i int) *gtype {
	if g == nil || i >= len(g.out) {
		return nil
	}
	return g.out[i]
}

func keyOf(g *gtype) *gtype {
	if g == nil {
		return nil
	}
	return g.key
}
