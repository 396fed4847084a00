// Floating point formatting corners.
package main

import (
	"fmt"
	"math"
)

func main() {
	fmt.Println(0.1+0.2, 1e6, 1e21, 1.0, 100.0/3)
	fmt.Println(float32(0.1), float32(1)/3)
	fmt.Printf("%v %g %.3g %.10f\n", math.Pi, math.Pi, math.Pi, math.Pi)
	fmt.Printf("%v %v %v\n", math.NaN(), math.Inf(-1), -0.0)
	fmt.Printf("%6.2f%%\n", 12.3456)
	fmt.Printf("%e %.2e\n", 123456.789, 0.000123)
	fmt.Println(math.Round(2.5), math.Trunc(-2.7), math.Mod(7, 3))
}
