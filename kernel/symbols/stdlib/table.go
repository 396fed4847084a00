package stdlib

import (
	"path"
	"reflect"
	"sort"
	"sync"

	"github.com/traefik/yaegi/interp"
)

// A Table holds yaegi symbol maps by key (an import path, a slash and the
// package's name: "fmt/fmt", "math/rand/v2/rand"), each built by its
// function the first time it is asked for. Generated code fills a table
// with Set from init functions, which cost next to nothing; a process
// builds only the maps it uses. The zero Table is empty and ready to use;
// it is safe for concurrent use once filled.
type Table struct {
	mu    sync.Mutex
	build map[string]func() map[string]reflect.Value
	built map[string]map[string]reflect.Value
}

// Set registers the function building the symbols of the package with
// key. Call it from init functions only.
func (t *Table) Set(key string, build func() map[string]reflect.Value) {
	if t.build == nil {
		t.build = make(map[string]func() map[string]reflect.Value)
	}
	t.build[key] = build
}

// Keys returns the keys of the table, sorted.
func (t *Table) Keys() []string {
	keys := make([]string, 0, len(t.build))
	for k := range t.build {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Package returns the symbols of the package with key, building them on
// the first call; nil if the table has no such package. The map is shared:
// callers must not modify it.
func (t *Table) Package(key string) map[string]reflect.Value {
	build := t.build[key]
	if build == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if m := t.built[key]; m != nil {
		return m
	}
	if t.built == nil {
		t.built = make(map[string]map[string]reflect.Value, len(t.build))
	}
	m := build()
	t.built[key] = m
	return m
}

// Forget drops the maps built so far; the next call for one builds it
// again. An interpreter keeps its own copy of the symbols it was given
// (interp.Interpreter.Use copies them), so a kernel gone idle need not
// keep the table's as well.
func (t *Table) Forget() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.built = nil
}

// KeyOf returns the key of the package with import path p, or "" if the
// table has none.
func (t *Table) KeyOf(p string) string {
	if k := p + "/" + path.Base(p); t.build[k] != nil {
		return k
	}
	for k := range t.build {
		if path.Dir(k) == p {
			return k
		}
	}
	return ""
}

// Exports returns the symbols of the packages with the import paths given
// (those the table lacks are left out), keyed as yaegi expects them.
func (t *Table) Exports(paths ...string) interp.Exports {
	exports := make(interp.Exports, len(paths))
	for _, p := range paths {
		if k := t.KeyOf(p); k != "" {
			exports[k] = t.Package(k)
		}
	}
	return exports
}

// All returns the symbols of every package of the table.
func (t *Table) All() interp.Exports {
	exports := make(interp.Exports, len(t.build))
	for k := range t.build {
		exports[k] = t.Package(k)
	}
	return exports
}
