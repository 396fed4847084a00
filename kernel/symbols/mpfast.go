package symbols

import (
	"reflect"
	"unsafe"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// Fast calls. yaegi calls every method of a compiled type through
// reflect.Value.Call, some 100 ns a call: a cell's lock.Lock();
// lock.Unlock() took twice as long as Python's `with lock:`. yaegi calls a
// conversion hook, though, as a plain Go function. So for each method
// below, the symbols of package mp hold a marker type
// _gopherlab<Type><Method>, a pointer to which a *mp.<Type> converts to,
// and kernel/session/lower rewrites a statement x.Method() of a cell, where
// x is a *mp.<Type>, into _ = (*mp._gopherlab<Type><Method>)(x): the
// hook [convertHook] turns that conversion into the call x.Method(),
// without reflection. The markers begin with "_" so that completion never
// offers them; lower rewrites only the calls whose marker it finds in the
// symbols the session registered (lower.AddSymbols). The hook and the
// markers are in the same map, [Symbols], so that an interpreter never has
// one without the other: a marker converted without the hook would be a
// silent no-op.

// YaegiHooks is the key under which Symbols holds yaegi's hooks (the
// conversion hook): yaegi reads hooks from keys under its own module path.
// A worker that gives its interpreter only the packages it imports must
// keep this key.
const YaegiHooks = "github.com/traefik/yaegi/gopherlab"

type (
	lockLock                mp.Lock
	lockUnlock              mp.Lock
	rlockLock               mp.RLock
	rlockUnlock             mp.RLock
	conditionLock           mp.Condition
	conditionUnlock         mp.Condition
	semaphoreAcquire        mp.Semaphore
	semaphoreRelease        mp.Semaphore
	boundedSemaphoreAcquire mp.BoundedSemaphore
	boundedSemaphoreRelease mp.BoundedSemaphore
)

// fastCall is a method called through a conversion hook.
type fastCall struct {
	marker any // a nil pointer to the marker type
	recv   any // a nil pointer to the receiver type
	method string
	call   func(unsafe.Pointer)
}

var fastCalls = []fastCall{
	{(*lockLock)(nil), (*mp.Lock)(nil), "Lock", func(p unsafe.Pointer) { (*mp.Lock)(p).Lock() }},
	{(*lockUnlock)(nil), (*mp.Lock)(nil), "Unlock", func(p unsafe.Pointer) { (*mp.Lock)(p).Unlock() }},
	{(*rlockLock)(nil), (*mp.RLock)(nil), "Lock", func(p unsafe.Pointer) { (*mp.RLock)(p).Lock() }},
	{(*rlockUnlock)(nil), (*mp.RLock)(nil), "Unlock", func(p unsafe.Pointer) { (*mp.RLock)(p).Unlock() }},
	{(*conditionLock)(nil), (*mp.Condition)(nil), "Lock", func(p unsafe.Pointer) { (*mp.Condition)(p).Lock() }},
	{(*conditionUnlock)(nil), (*mp.Condition)(nil), "Unlock", func(p unsafe.Pointer) { (*mp.Condition)(p).Unlock() }},
	{(*semaphoreAcquire)(nil), (*mp.Semaphore)(nil), "Acquire", func(p unsafe.Pointer) { (*mp.Semaphore)(p).Acquire() }},
	{(*semaphoreRelease)(nil), (*mp.Semaphore)(nil), "Release", func(p unsafe.Pointer) { (*mp.Semaphore)(p).Release() }},
	{(*boundedSemaphoreAcquire)(nil), (*mp.BoundedSemaphore)(nil), "Acquire", func(p unsafe.Pointer) { (*mp.BoundedSemaphore)(p).Acquire() }},
	{(*boundedSemaphoreRelease)(nil), (*mp.BoundedSemaphore)(nil), "Release", func(p unsafe.Pointer) { (*mp.BoundedSemaphore)(p).Release() }},
}

// fastByMarker maps each marker pointer type to its call.
var fastByMarker = map[reflect.Type]fastCall{}

// FastCallMarker returns the name of the marker of recv's method, as
// kernel/session/lower spells it: "_gopherlab" + type + method.
func FastCallMarker(recvType, method string) string {
	return "_gopherlab" + recvType + method
}

// The generated file fills Symbols in its init; this file's name sorts
// after it, so its init adds to what that one made.
func init() {
	m := Symbols["github.com/gopherlab/gopherlab/runtime/mp/mp"]
	for _, f := range fastCalls {
		mt := reflect.TypeOf(f.marker)
		m[FastCallMarker(reflect.TypeOf(f.recv).Elem().Name(), f.method)] = reflect.ValueOf(f.marker)
		fastByMarker[mt] = f
	}
	Symbols[YaegiHooks] = map[string]reflect.Value{"convert": reflect.ValueOf(convertHook)}
}

// convertHook is yaegi's conversion hook: for a conversion to a marker
// type, it returns the call of the marker's method on the converted
// pointer; for any other conversion, nil (yaegi converts).
func convertHook(from, to reflect.Type) func(src, dest reflect.Value) {
	f, ok := fastByMarker[to]
	if !ok {
		return nil
	}
	if from != reflect.TypeOf(f.recv) {
		return func(src, dest reflect.Value) {
			panic("gopherlab: a fast call of " + f.method + " on a " + from.String())
		}
	}
	call := f.call
	return func(src, dest reflect.Value) { call(src.UnsafePointer()) }
}
