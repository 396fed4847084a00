// A custom error type found through a wrapping chain with errors.As.
package main

import (
	"errors"
	"fmt"
)

type HTTPError struct {
	Code int
	URL  string
}

func (e *HTTPError) Error() string { return fmt.Sprintf("%d from %s", e.Code, e.URL) }

func fetch(url string) error {
	return &HTTPError{404, url}
}

func load(url string) error {
	if err := fetch(url); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	return nil
}

func main() {
	err := fmt.Errorf("startup: %w", load("/config"))
	fmt.Println(err)
	var he *HTTPError
	if errors.As(err, &he) {
		fmt.Println("status", he.Code, "url", he.URL)
	}
	fmt.Println(errors.Unwrap(errors.Unwrap(err)) == error(he))
}
