package native

import (
	"reflect"
	"testing"
)

// point is a notebook's type, compiled into this test as a worker program
// would compile it.
type point struct {
	x, y int
	tag  string
}

func TestTypeNames(t *testing.T) {
	n := newNamespace(Table{Types: map[string]reflect.Type{"point": reflect.TypeFor[point]()}})
	for _, name := range []string{"point", "*point", "[]*point", "[3]point", "map[string]point", "map[point][]point"} {
		typ, ok := n.TypeByName(name)
		if !ok {
			t.Errorf("TypeByName(%q) failed", name)
			continue
		}
		if back, ok := n.TypeName(typ); !ok || back != name {
			t.Errorf("TypeName(TypeByName(%q)) = %q, %v", name, back, ok)
		}
	}
}
