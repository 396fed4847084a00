package lower

import (
	"reflect"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/gopherlab/gopherlab/kernel/symbols/stdlib"
)

//go:generate go run ./internal/gensymbols

// Symbols returns yaegi symbols ("importpath/name" to exported values) for
// the names of the installed Go's standard library that yaegi v0.16.1's
// stdlib.Symbols lacks: non-generic functions, types, variables and
// constants added after Go 1.22 (bytes.Lines, os.Root, crypto/sha3, ...).
// The session gives them to its interpreter with Use after the standard
// library (kernel/symbols/stdlib). Generic names stay missing (yaegi
// extract cannot bind them); Rewrite lowers the everyday ones. The package
// iter is there, empty, so that cells can import it. The maps must not be
// modified.
func Symbols() interp.Exports { return newer.All() }

// SymbolsOf returns the symbols of [Symbols] for the packages with the
// import paths given, building only theirs: what a worker needs for the
// packages its notebook imports.
func SymbolsOf(paths ...string) interp.Exports { return newer.Exports(paths...) }

// newer holds the maps of Symbols; zsymbols.go fills it.
var newer stdlib.Table

func init() {
	// iter (Go 1.23) has only generic names, which Rewrite lowers; an
	// empty package lets cells import it.
	newer.Set("iter/iter", func() map[string]reflect.Value { return map[string]reflect.Value{} })
}

// extraSymbols holds the symbol maps registered with AddSymbols.
var extraSymbols struct {
	sync.RWMutex
	m map[string]map[string]reflect.Value
}

// AddSymbols registers a yaegi symbol map ("importpath/name" to exported
// values, like stdlib.Symbols) that the session gives its interpreter
// besides yaegi's standard library, so that Rewrite does not report its
// names as missing. It is safe for concurrent use.
func AddSymbols(exports map[string]map[string]reflect.Value) {
	extraSymbols.Lock()
	defer extraSymbols.Unlock()
	if extraSymbols.m == nil {
		extraSymbols.m = make(map[string]map[string]reflect.Value)
	}
	for k, v := range exports {
		if extraSymbols.m[k] == nil {
			extraSymbols.m[k] = make(map[string]reflect.Value)
		}
		for name, val := range v {
			extraSymbols.m[k][name] = val
		}
	}
}

// newPackages are standard library packages added after Go 1.22 that yaegi
// v0.16.1 does not know.
var newPackages = map[string]bool{
	"unique": true, "weak": true, "structs": true, "crypto/sha3": true, "crypto/hkdf": true,
	"crypto/pbkdf2": true, "crypto/mlkem": true, "testing/synctest": true, "encoding/json/v2": true,
	"encoding/json/jsontext": true, "crypto/hpke": true,
}

// sourcePackages are the packages yaegi loads from generic source rather
// than symbol maps; Rewrite lowers their calls itself.
var sourcePackages = map[string]bool{"cmp": true, "maps": true, "slices": true, "iter": true}

// symbolState tells whether the interpreter has path.name: known, missing
// (the package is there but not the name), or unknownPackage.
type symbolState int

const (
	known symbolState = iota
	missing
	unknownPackage
)

func lookupSymbol(path, pkgName, name string) symbolState {
	if sourcePackages[path] || !isStd(path) {
		return known
	}
	key := path + "/" + pkgName
	extraSymbols.RLock()
	extra, okExtra := extraSymbols.m[key]
	_, inExtra := extra[name]
	extraSymbols.RUnlock()
	std := stdlib.Package(key)
	okStd := std != nil
	gen := newer.Package(key)
	okGen := gen != nil
	if _, ok := gen[name]; ok {
		return known
	}
	if !okStd && !okExtra && !okGen {
		if newPackages[path] {
			return unknownPackage
		}
		return known // a package the session may provide another way
	}
	if _, ok := std[name]; ok || inExtra {
		return known
	}
	return missing
}
