// Explicit conversions between numeric types and named types.
package main

import "fmt"

type Celsius float64
type Fahrenheit float64

func CToF(c Celsius) Fahrenheit { return Fahrenheit(c*9/5 + 32) }

func main() {
	c := Celsius(100)
	fmt.Println(CToF(c), CToF(-40))
	i := 300
	fmt.Println(uint8(i), int8(i), float32(i)/7)
	f := 2.999
	fmt.Println(int(f), int64(f*1000))
	var u uint = 3
	fmt.Println(int(u) - 5)
	fmt.Printf("%.2f %T\n", float64(CToF(37)), CToF(37))
}
