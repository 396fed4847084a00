// A small expression evaluator with an interface per node kind.
package main

import "fmt"

type Expr interface {
	Eval() float64
	String() string
}

type Num float64
type Add struct{ L, R Expr }
type Mul struct{ L, R Expr }

func (n Num) Eval() float64  { return float64(n) }
func (n Num) String() string { return fmt.Sprint(float64(n)) }
func (a Add) Eval() float64  { return a.L.Eval() + a.R.Eval() }
func (a Add) String() string { return "(" + a.L.String() + " + " + a.R.String() + ")" }
func (m Mul) Eval() float64  { return m.L.Eval() * m.R.Eval() }
func (m Mul) String() string { return m.L.String() + " * " + m.R.String() }

func main() {
	e := Mul{Add{Num(1), Num(2)}, Num(4)}
	fmt.Println(e, "=", e.Eval())
	fmt.Printf("%v\n", Add{Num(0.5), Mul{Num(2), Num(3)}})
}
