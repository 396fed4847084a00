// maps.All with slices.SortedFunc on declared struct values.
package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
)

type Employee struct {
	Name   string
	Salary int
}

func main() {
	staff := map[string]Employee{
		"e1": {"Zoe", 5000},
		"e2": {"Adam", 7000},
		"e3": {"Mia", 6000},
	}
	bySalary := slices.SortedFunc(maps.Values(staff), func(a, b Employee) int {
		return cmp.Compare(b.Salary, a.Salary)
	})
	for _, e := range bySalary {
		fmt.Println(e.Name, e.Salary)
	}
	ids := slices.Sorted(maps.Keys(staff))
	fmt.Println(ids)
}
