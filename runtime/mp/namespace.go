package mp

import (
	"reflect"
)

// A Namespace is a [Launcher] whose targets are functions of an
// interpreter, such as gopherlab's kernel and its workers, which run the
// functions declared in notebook cells. It gives children a notebook's
// variables as they are when the child starts (Python's fork), and names
// the interpreter's types so that values of them can cross between
// processes. Package mp calls its methods from Process.Start, Queue.Put and
// the like in the parent, and from [RunChild] and Queue.Get in a child,
// where the current launcher is also the child's Namespace.
type Namespace interface {
	Launcher

	// Globals returns the package-level variables that the target named
	// target (a name Launcher.Name returned) can reach, directly or through
	// the functions and methods it may call, each with an addressable
	// Value of the variable itself: Process.Start copies them to the child
	// as they are at that moment. A superset is fine. target "" asks for
	// every variable (a Pool's workers, which may run any function).
	Globals(target string) ([]Global, error)

	// Vars returns, in a child, the variables of the given names, each an
	// addressable Value: the child sets them to the values the parent had
	// before its target runs.
	Vars(names []string) ([]reflect.Value, error)

	// TypeName returns the name by which another process running the same
	// declarations finds t with TypeByName, when t is a type the
	// interpreter declared (or is made of such types: "*Point",
	// "[]Point"); ok is false for other types, which package mp names
	// itself.
	TypeName(t reflect.Type) (name string, ok bool)

	// TypeByName returns the type TypeName named name.
	TypeByName(name string) (t reflect.Type, ok bool)
}

// A Global is a package-level variable given to a child by a [Namespace]:
// its name and an addressable Value of the variable.
type Global struct {
	Name  string
	Value reflect.Value
}

// A Boxer is a [Namespace] whose interpreter represents the values of some
// interface types as structs of its own (yaegi does so for the interfaces a
// notebook declares). Copies of such values carry the dynamic value
// inside, named as for an `any`.
type Boxer interface {
	// Boxed reports whether t is the interpreter's representation of an
	// interface value.
	Boxed(t reflect.Type) bool
	// Unbox returns the dynamic value a boxed interface value v holds, and
	// the name of its type if the interpreter knows it better than
	// Namespace.TypeName does (""); ok is false for a nil interface value.
	Unbox(v reflect.Value) (dyn reflect.Value, name string, ok bool)
	// Box returns a value of the boxed type t holding dyn, whose type is
	// named name (as Unbox or TypeName named it).
	Box(t reflect.Type, dyn reflect.Value, name string) (reflect.Value, error)
}

// A Tracer is a [Launcher] that describes, in a child, the panic of a target
// whose frames Go's runtime cannot name (an interpreter's functions): the
// message, as Go's runtime prints it, and the stack, as Go's traceback
// lists it ("goroutine 1 [running]:", then each function and its line).
// [RunChild] prints them, followed by the process's name.
type Tracer interface {
	Trace(recovered any) (msg, stack string)
}

// currentNamespace returns the current launcher as a Namespace, or nil.
func currentNamespace() Namespace {
	ns, _ := currentLauncher().(Namespace)
	return ns
}
