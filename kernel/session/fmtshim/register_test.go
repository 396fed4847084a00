package fmtshim

import (
	"reflect"
	"strings"
	"testing"
)

func TestRegistrations(t *testing.T) {
	src := `package main

import "fmt"

type point struct{ x, y int }
type Celsius float64
type Stack[T any] struct{ items []T }
type Alias = point

func (p point) String() string { return fmt.Sprint(p.x) }
func (p *point) Format(f fmt.State, c rune) {}
func (c Celsius) Error() string { return "" }
func (c Celsius) Unwrap() []error { return nil }
func (c Celsius) Is(target error) bool { return false }
func (c Celsius) Other() string { return "" }
func (s Stack[T]) String() string { return "" }
func (p point) GoString(x int) string { return "" }
`
	got := string(Registrations([]byte(src)))
	want := `var _ = __glfmt.Register([]any{
	"point", (*point)(nil), "struct{ x, y int }",
	"Celsius", (*Celsius)(nil), "float64",
}, []any{
	"point", "String", false, func(__glr point) string { return __glr.String() },
	"point", "Format", true, func(__glr *point, __gla fmt.State, __glb rune) { __glr.Format(__gla, __glb) },
	"Celsius", "Error", false, func(__glr Celsius) string { return __glr.Error() },
	"Celsius", "Unwrap[]", false, func(__glr Celsius) any { return __glr.Unwrap() },
	"Celsius", "Is", false, func(__glr Celsius, __gla error) bool { return __glr.Is(__gla) },
})
`
	if got != want {
		t.Errorf("Registrations:\n%s\nwant:\n%s", got, want)
	}
	if r := Registrations([]byte("x := 1\nfmt.Println(x)")); r != nil {
		t.Errorf("Registrations of statements = %q, want nil", r)
	}
	if r := Registrations([]byte("type T int")); !strings.Contains(string(r), `"T", (*T)(nil), "int"`) {
		t.Errorf("Registrations without a package clause = %q", r)
	}
}

func reflectTypeOf(v any) reflect.Type { return reflect.TypeOf(v) }
