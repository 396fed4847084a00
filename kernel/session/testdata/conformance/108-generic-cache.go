// A generic memoising cache with a struct key.
package main

import "fmt"

type key struct {
	a, b int
}

type Cache[K comparable, V any] struct {
	data   map[K]V
	misses int
}

func NewCache[K comparable, V any]() *Cache[K, V] {
	return &Cache[K, V]{data: make(map[K]V)}
}

func (c *Cache[K, V]) Get(k K, compute func(K) V) V {
	if v, ok := c.data[k]; ok {
		return v
	}
	c.misses++
	v := compute(k)
	c.data[k] = v
	return v
}

func main() {
	c := NewCache[key, int]()
	add := func(k key) int { return k.a + k.b }
	fmt.Println(c.Get(key{1, 2}, add), c.Get(key{1, 2}, add), c.Get(key{2, 2}, add))
	fmt.Println("misses:", c.misses)
}
