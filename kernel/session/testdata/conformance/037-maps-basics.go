// Maps: insert, update, delete, comma-ok, len, and printing (sorted keys).
package main

import "fmt"

func main() {
	ages := map[string]int{"alice": 31, "bob": 27}
	ages["carol"] = 40
	ages["bob"]++
	delete(ages, "alice")
	fmt.Println(len(ages), ages)
	if age, ok := ages["dave"]; !ok {
		fmt.Println("no dave, zero value", age)
	}
	counts := make(map[rune]int)
	for _, r := range "mississippi" {
		counts[r]++
	}
	fmt.Println(counts)
	nested := map[string][]string{}
	nested["fruit"] = append(nested["fruit"], "apple", "pear")
	fmt.Println(nested)
}
