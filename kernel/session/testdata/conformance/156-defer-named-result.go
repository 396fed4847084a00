// A deferred function can change named results.
package main

import (
	"errors"
	"fmt"
)

func double() (n int) {
	defer func() { n *= 2 }()
	n = 21
	return
}

func count() (c int) {
	defer func() { c++ }()
	return 5
}

func closeAll() (err error) {
	defer func() {
		if cerr := errors.New("close failed"); err == nil {
			err = cerr
		}
	}()
	return nil
}

func main() {
	fmt.Println(double(), count())
	fmt.Println(closeAll())
}
