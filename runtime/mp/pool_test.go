package mp_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/runtime/mp"
)

func sprintAny(v any) string { return fmt.Sprintf("%T %v", v, v) }

func square(x int) int { return x * x }

func half(x int) (float64, error) {
	if x < 0 {
		return 0, errors.New("negative")
	}
	return float64(x) / 2, nil
}

func explode(x int) int {
	if x == 3 {
		panic("three")
	}
	return x
}

func TestPool(t *testing.T) {
	pool := mp.NewPool(3)
	defer pool.Close()
	items := make([]int, 50)
	for i := range items {
		items[i] = i
	}
	got, err := pool.MapInts(square, items)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range got {
		if g != i*i {
			t.Fatalf("square(%d) = %d", i, g)
		}
	}
	out, err := pool.Map(half, []any{1, 2, 3})
	if err != nil || fmt.Sprint(out) != "[0.5 1 1.5]" {
		t.Errorf("Map(half) = %v, %v", out, err)
	}
	out, err = pool.Map(half, []any{1, -2})
	if err == nil || !strings.Contains(err.Error(), "item 1: negative") || out[0] != 0.5 {
		t.Errorf("Map with an error = %v, %v", out, err)
	}
	_, err = pool.MapInts(explode, []int{1, 2, 3, 4})
	if err == nil || !strings.Contains(err.Error(), "item 2: mp_test.explode panicked: three") {
		t.Errorf("Map with a panic: %v", err)
	}
	if _, err := pool.Map(func(x int) int { return x }, []any{1}); err == nil || !strings.Contains(err.Error(), "closure") {
		t.Errorf("Map of a closure: %v", err)
	}
	if _, err := pool.Map(add, []any{1}); err == nil || !strings.Contains(err.Error(), "one parameter") {
		t.Errorf("Map of a two-parameter function: %v", err)
	}
	if err := pool.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.MapInts(square, items); err == nil {
		t.Error("Map after Close succeeded")
	}
}

func exitAt(x int) int {
	if x == 2 {
		os.Exit(3)
	}
	return x
}

// TestPoolWorkerDies checks that Map reports a worker that died instead
// of waiting forever for its result.
func TestPoolWorkerDies(t *testing.T) {
	pool := mp.NewPool(2)
	defer pool.Close()
	_, err := pool.MapInts(exitAt, []int{1, 2, 3})
	if err == nil || !strings.Contains(err.Error(), "died") || !strings.Contains(err.Error(), "exited with code 3") {
		t.Errorf("Map with a dying worker = %v", err)
	}
	if _, err := pool.MapInts(square, []int{1}); err == nil {
		t.Error("Map on a broken pool succeeded")
	}
}
