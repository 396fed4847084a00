// Package lower prepares notebook cells written in today's Go for the yaegi
// v0.16.1 interpreter, which understands Go as of about 1.21, and
// type-checks them like the Go compiler so that learners read compiler-quality
// errors.
//
// # Contract
//
// Both entry points take cell, a complete Go source file of package main
// (imports, declarations, and the cell's statements inside a function), and
// context, other files of the same package (typically the notebook's earlier
// declarations, as session.Source returns them) used only for type
// information. Context files are never rewritten and never reported on.
//
// [Rewrite] returns out, the cell rewritten so that yaegi can run it, with
// every original line kept at its line number: line n of out holds what line
// n of cell held, so positions reported by the interpreter map back to the
// cell unchanged. Lowered constructs stay on their line; nothing is inserted
// before or between lines. helpers is extra Go source (a complete file of
// package main, possibly with imports) that must be evaluated before out, or
// nil when none is needed. Helper names start with "__lower_" and depend only
// on what they implement, so evaluating the same helper twice is harmless.
// When cell uses a construct that still cannot run in yaegi, Rewrite returns
// an [*Error] whose Msg starts with "not supported in notebook cells yet: ".
// When cell does not parse, Rewrite returns cell unchanged and a nil error:
// the interpreter (or [Check]) reports the syntax error.
//
// [Check] type-checks cell against context like the Go compiler and returns
// its errors, each an [*Error] with the position in cell, worded like the
// compiler's ("undefined: x"). Errors that a notebook allows are never
// reported: unused variables ("declared and not used: x") and unused
// imports. Imports the checker cannot resolve (for instance packages compiled
// into the kernel whose source is absent) are treated as "anything goes":
// uses of them are never reported, so Check never reports an error the
// program does not have. Check returns nil for a cell without errors.
//
// Both functions are safe for concurrent use and never panic, whatever the
// input. The standard library importer is shared and cached across calls.
//
// Rewrite also reports, as not supported, names of the standard library
// that the interpreter lacks (added after Go 1.22, like bytes.Lines or the
// package unique) unless a helper implements them; register extra symbol
// maps the session gives yaegi with [AddSymbols] so that they count as
// present. [Preload] warms the shared importer (the first import of a
// package costs tens to hundreds of milliseconds; later ones microseconds).
//
// # What works in cells
//
// Measured against yaegi v0.16.1 with the Go 1.26 toolchain; the cases are
// in testdata/*.txt and run in yaegi by the tests of this package.
//
//	construct                                    yaegi alone         with Rewrite
//	for i := range n (Go 1.22)                   panics "nil type"   works (counter hidden, i per iteration)
//	for x := range f, iterators (Go 1.23)        panics "nil type"   works, with break, continue and return;
//	                                                                 "not supported": defer and goto in the
//	                                                                 body, break/continue to an outer loop,
//	                                                                 return from nested iterator loops
//	iter.Seq[T], iter.Seq2[K, V] types           unknown package     work (spelled as func types)
//	iter.Pull, iter.Pull2                        unknown package     work, as helpers (the sequence runs in
//	                                                                 a goroutine)
//	min, max (Go 1.21)                           undefined           work (constants stay constants)
//	clear (Go 1.21)                              undefined           works for maps and slices
//	new(expr), e.g. new(42) (Go 1.26)            fails               works
//	per-iteration loop variables (Go 1.22)       shared variable     closures and &v get their own copy
//	                                                                 (copied back for the post statement
//	                                                                 when the body assigns the variable;
//	                                                                 not with goto in the body)
//	a closure given to compiled code in a loop   sees the last       sees its iteration's variables
//	  (wg.Go(func() {...}), time.AfterFunc)      iteration's values  (the literal is made in a frame of
//	                                                                 its own)
//	slices.Sort, SortFunc, SortStableFunc,       missing or          all work, as helpers
//	  Max, Min, MaxFunc, MinFunc, Reverse,       "undefined type"
//	  Equal, Insert, Delete, Clone, Compact,
//	  Concat, Repeat, BinarySearch, IsSorted,
//	  Grow, Clip, Replace, Compare, EqualFunc
//	slices.Contains, Index, IndexFunc,           work                work, as helpers
//	  ContainsFunc
//	slices.All, Values, Backward, Collect,       missing             work, as helpers
//	  Sorted, SortedFunc, AppendSeq, Chunk
//	maps.Keys, Values, All, Collect, Insert,     missing or          work, as helpers
//	  Clone, Copy, Equal, EqualFunc, DeleteFunc  "undefined type"
//	cmp.Compare, cmp.Less, cmp.Or                work                work, as helpers
//	strings.Lines, SplitSeq, SplitAfterSeq,      missing             work, as helpers
//	  FieldsSeq, FieldsFuncSeq (Go 1.24)
//	non-generic names newer than Go 1.22         missing             work with [Symbols] (bytes.Lines,
//	  (bytes.Lines, os.OpenRoot, crypto/sha3,                        os.Root, crypto/sha3, structs, ...)
//	  structs, testing/synctest)
//	sync.OnceValue, sync.OnceValues (Go 1.21)    missing             work, as helpers
//	errors.AsType (Go 1.26)                      missing             works (a function literal per call;
//	                                                                 not searched: types of the notebook
//	                                                                 inside errors.Join)
//	other generic names of the standard library  missing             "not supported in notebook cells yet"
//	  (atomic.Pointer, packages unique and weak)
//	defer f(x), defer x.M(y): arguments and      evaluated when the  evaluated at the defer statement
//	  receiver evaluated at the defer (also       deferred call runs  (a method that calls recover itself
//	  defer f(s...))                              (s... passed as s)  keeps its receiver as yaegi reads it)
//	method values f := x.M, go x.M()             receiver read when  receiver bound where written
//	                                             f is called
//	method expressions T.M, (*T).M not           panic "reflect.Set" work (rewritten as the function
//	  called where written; (*T).M(x) of         (no receiver        literal they denote)
//	  a method with a value receiver             parameter)
//	type switch on an error or any holding a     matches no case     works (cases tested with assertions;
//	  type of the notebook (case *MyErr, case                        not: a value, not pointer, of a notebook
//	  error, case fmt.Stringer)                                      type in another compiled interface)
//	defer of a closure of the same function      deadlock            works (closures of functions with
//	  (cleanup := func() {...}; defer cleanup())                     defer are made in a frame of their own)
//	switch { case a, b: } (no tag)               tests only a        works (case (a) || (b):)
//	for _, c := range chans (a slice, array or   panics "reflect:    works (the keys are ranged over, the
//	  map of channels)                           call of ... Len"    value read in the body)
//	return <-ch                                  panic "Set using    works (the receive is parenthesized)
//	                                             unaddressable value"
//	unnamed parameters, func f(int) { ... }      panic "reflect.Set:  works (named _)
//	                                             value of type int
//	                                             is not assignable"
//	r := recover() after panic(err), and         a reflect.Value     with SetTypeTags: what panic was given,
//	  after a runtime error                      (r.(error) fails);  runtime errors as runtime.Error in Go's
//	                                             reflect's words     words (an index out of range without its
//	                                                                 index and length)
//	generic func, explicit type arguments        works               works
//	F[E](...) inside generic code when E is      fails "invalid      works when F's arguments give E
//	  a type of the notebook (slices.Contains     memory address"     (helpers and the notebook's generic
//	  on a cell's struct type, too)                                  calls are left to inference there)
//	generic func, inferred type arguments        often fails         works (type arguments made explicit)
//	generic types, methods, constraints, any     work                work
//	math/rand/v2, methods added later to std     work                work
//	  types (sync.WaitGroup.Go)
//
// # For the session
//
// The session gives its interpreter [Symbols] (Use after stdlib.Symbols) and
// imports "iter" from them (an empty package: Rewrite spells iter.Seq and
// iter.Seq2 as function types and replaces iter.Pull and iter.Pull2 by
// helpers).
// Rewritten code is correct both inside a function and as statements
// evaluated outside any function (loop copies and counters get names unique
// in the cell, because yaegi confuses a variable with a shadowing one of the
// same name there).
//
// Type checking imports the standard library from compiler export data
// (the go command and its build cache), or from GOROOT sources when the go
// command is unusable, and packages compiled into the kernel (runtime/mp,
// kernel/display) from their sources when the source tree the kernel was
// built from is present; otherwise their uses are never reported.
//
// With [SetTypeTags] (the session and kernel/worker set it), Rewrite also
// passes the static types go/types knows to the printer of
// kernel/session/fmtshim, where yaegi has none at run time: arguments of fmt's
// printing functions, Errorf, errors.Is, As, Unwrap and Join, json.Marshal,
// (*json.Encoder).Encode and template Execute are wrapped with their type
// as a cell writes it, and values of declared types converted to error
// (returned, assigned, passed, sent, compared, put in a literal, given to
// panic) become the printer's error proxies (typetags.go); an assertion
// x.(T) of an any to a declared type sees through such a proxy. Every call
// of recover goes through the printer's Recovered: yaegi's recover returns
// the reflect.Value of what panic was given (so r.(error) failed), and
// reflect's words for Go's runtime errors.
//
// Packages of this module that cells import (runtime/mp, kernel/display)
// are checked, when the kernel cannot find their sources, from their
// exported API embedded in zmodapi.go (go generate).
//
// A statement x.Lock() or x.Unlock() (and Acquire, Release) where x is a
// lock of package mp becomes a conversion that kernel/symbols' conversion
// hook turns into the call without reflection (fastcall.go), when the
// session registered those symbols (AddSymbols): the call costs what a
// compiled call costs instead of a reflect.Value.Call.
//
// Known differences: helpers return []E or map[K]V converted back to the
// argument's named type.
package lower
