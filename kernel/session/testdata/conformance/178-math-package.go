// Functions of package math and math/bits.
package main

import (
	"fmt"
	"math"
	"math/bits"
)

func main() {
	fmt.Printf("%.4f %.4f %.4f\n", math.Sin(math.Pi/6), math.Cos(0), math.Atan2(1, 1))
	fmt.Println(math.Pow(2, 10), math.Abs(-3.5), math.Max(3, 7), math.Min(3, 7))
	fmt.Println(math.Ceil(1.2), math.Floor(1.8), math.Hypot(3, 4), math.Cbrt(27))
	fmt.Printf("%.5f %.5f\n", math.Log(math.E), math.Log10(1000))
	fmt.Println(math.IsNaN(math.NaN()), math.IsInf(math.Inf(1), 1), math.Signbit(-0.0))
	fmt.Println(math.MaxUint8, math.MaxInt32, math.SmallestNonzeroFloat64 > 0)
	fmt.Println(bits.OnesCount(255), bits.LeadingZeros8(1), bits.Len(1024), bits.Reverse8(1))
}
