// Type switches, including several types in a case and nil.
package main

import "fmt"

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int:
		return fmt.Sprintf("int %d", x+1)
	case string:
		return "string of length " + fmt.Sprint(len(x))
	case bool, float64:
		return fmt.Sprintf("bool or float64: %v", x)
	case []int:
		return fmt.Sprintf("slice with %d ints", len(x))
	case error:
		return "error: " + x.Error()
	default:
		return fmt.Sprintf("other %T", x)
	}
}

func main() {
	for _, v := range []any{nil, 41, "four", true, 2.5, []int{1, 2}, fmt.Errorf("bad"), 'r'} {
		fmt.Println(describe(v))
	}
}
