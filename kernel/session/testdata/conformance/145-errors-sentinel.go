// Sentinel errors compared with errors.Is.
package main

import (
	"errors"
	"fmt"
)

var ErrNotFound = errors.New("not found")
var ErrEmptyKey = errors.New("empty key")

var store = map[string]string{"a": "apple"}

func get(key string) (string, error) {
	if key == "" {
		return "", ErrEmptyKey
	}
	v, ok := store[key]
	if !ok {
		return "", fmt.Errorf("get %q: %w", key, ErrNotFound)
	}
	return v, nil
}

func main() {
	for _, k := range []string{"a", "b", ""} {
		v, err := get(k)
		switch {
		case errors.Is(err, ErrNotFound):
			fmt.Println("missing:", err)
		case err == ErrEmptyKey:
			fmt.Println("bad key:", err)
		default:
			fmt.Println("value:", v)
		}
	}
}
