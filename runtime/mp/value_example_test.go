package mp_test

import (
	"fmt"
	"time"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

// addThree adds 3 to the shared number five times, under its lock.
func addThree(number *mp.Value) {
	for i := 0; i < 5; i++ {
		lock := number.GetLock()
		lock.Lock()
		number.Store(number.Load() + 3)
		lock.Unlock()
	}
}

func ExampleNewValue() {
	number := mp.NewValue("i", 0)
	p := mp.NewProcess(addThree, number)
	p.Start()
	p.Join()
	fmt.Println(number.Load())
	// Output: 15
}

func ExampleValue_Add() {
	v := mp.NewRawValue("b", 126)
	fmt.Println(v.Add(1), v.Add(1)) // wraps around like a C signed char
	d := mp.NewValue("d", 0.5)
	fmt.Println(d.AddFloat(0.25))
	// Output:
	// 127 -128
	// 0.75
}

// Bad use panics with a message saying what to change.
func ExampleNewValue_errors() {
	defer func() { fmt.Println(recover()) }()
	mp.NewValue("b", 300)
	// Output: mp: 300 does not fit Value("b"), whose C signed char holds -128..127
}

// negateAll changes every element of the shared Array in place.
func negateAll(arr *mp.Array) {
	xs := arr.Int32s() // the shared memory itself, no copy
	for i := range xs {
		xs[i] = -xs[i]
	}
}

func ExampleNewArray() {
	arr := mp.NewArray("i", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	fmt.Println(arr.Ints())
	p := mp.NewProcess(negateAll, arr)
	p.Start()
	p.Join()
	fmt.Println(arr.Ints())
	// Output:
	// [0 1 2 3 4 5 6 7 8 9]
	// [0 -1 -2 -3 -4 -5 -6 -7 -8 -9]
}

func ExampleArray_Int32s() {
	arr := mp.NewRawArray("i", 4)
	xs := arr.Int32s()
	xs[2] = 7
	fmt.Println(arr.Load(2), arr.Len(), arr)
	defer func() { fmt.Println(recover()) }()
	arr.Float64s()
	// Output:
	// 7 4 [0 0 7 0]
	// mp: Float64s needs an Array of typecode d, but this is Array("i"): use Int32s
}

// ProcessTime measures the work a process did, not the time it waited.
func ExampleProcessTime() {
	start := mp.ProcessTime()
	time.Sleep(50 * time.Millisecond) // waiting uses no processor time
	fmt.Println(mp.ProcessTime()-start < 10*time.Millisecond)
	// Output: true
}
