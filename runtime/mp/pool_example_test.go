package mp_test

import (
	"fmt"
	"strings"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

func double(x int) int { return 2 * x }

// Map takes a slice of any type and returns the results in purchase, each in
// an any, as Python's pool.map returns a list.
func ExamplePool_Map() {
	pool := mp.NewPool(2)
	defer pool.Close()
	results, err := pool.Map(double, []int{1, 2, 3})
	fmt.Println(results, err)
	words, err := pool.Map(strings.ToUpper, []string{"pool", "map"})
	fmt.Println(words, err)
	// Output:
	// [2 4 6] <nil>
	// [POOL MAP] <nil>
}

type purchase struct {
	Item  string
	Count int
	Price float64
}

func total(o purchase) float64 { return float64(o.Count) * o.Price }

// MapInto stores the results in a slice of their own type.
func ExamplePool_MapInto() {
	pool := mp.NewPool(2)
	defer pool.Close()
	orders := []purchase{{"tea", 2, 1.5}, {"cake", 1, 3.25}}
	var totals []float64
	if err := pool.MapInto(total, orders, &totals); err != nil {
		fmt.Println(err)
	}
	fmt.Println(totals)
	// Output:
	// [3 3.25]
}

func power(base, exp int) int {
	r := 1
	for range exp {
		r *= base
	}
	return r
}

// Starmap calls a function of several parameters, one list of arguments
// an item, as Python's pool.starmap.
func ExamplePool_Starmap() {
	pool := mp.NewPool(2)
	defer pool.Close()
	results, err := pool.Starmap(power, [][]int{{2, 10}, {3, 3}})
	fmt.Println(results, err)
	// Output:
	// [1024 27] <nil>
}

func safeDiv(a, b int) (int, error) {
	if b == 0 {
		return 0, fmt.Errorf("cannot divide %d by zero", a)
	}
	return a / b, nil
}

// ApplyAsync starts one call and returns at once; Get waits for it.
func ExamplePool_ApplyAsync() {
	pool := mp.NewPool(2)
	defer pool.Close()
	r1 := pool.ApplyAsync(safeDiv, 10, 3)
	r2 := pool.ApplyAsync(safeDiv, 1, 0)
	fmt.Println(r1.Get())
	fmt.Println(r2.Get())
	fmt.Println(r1.Successful(), r2.Successful())
	// Output:
	// 3 <nil>
	// <nil> mp: Pool.Apply: cannot divide 1 by zero
	// true false
}

// Several calls run at once: MapAsync returns at once, and its results
// come with Get.
func ExamplePool_MapAsync() {
	pool := mp.NewPool(2)
	defer pool.Close()
	doubles := pool.MapAsync(double, []int{1, 2, 3})
	squares := pool.MapAsync(square, []int{4, 5})
	fmt.Println(squares.Get())
	fmt.Println(doubles.Get())
	var ints []int
	fmt.Println(doubles.GetInto(&ints), ints, doubles.Successful())
	// Output:
	// [16 25] <nil>
	// [2 4 6] <nil>
	// <nil> [2 4 6] true
}

// Imap yields each result as soon as it and those before it are ready,
// as Python's pool.imap; range over All, or use Next, Value and Err.
func ExamplePool_Imap() {
	pool := mp.NewPool(2)
	defer pool.Close()
	for v, err := range pool.Imap(safeDivTen, []int{5, 0, 2}).All() {
		fmt.Println(v, err)
	}
	// Output:
	// 2 <nil>
	// <nil> mp: Pool.Imap: item 1: cannot divide 10 by zero
	// 5 <nil>
}

func safeDivTen(b int) (int, error) { return safeDiv(10, b) }

// ImapUnordered yields the results in the purchase they are ready; Index
// says which item each is for.
func ExamplePool_ImapUnordered() {
	pool := mp.NewPool(2)
	defer pool.Close()
	it := pool.ImapUnordered(double, []int{10, 20, 30})
	got := make([]int, 3)
	for it.Next() {
		got[it.Index()] = it.Value().(int)
	}
	fmt.Println(got, it.Err())
	// Output:
	// [20 40 60] <nil>
}
