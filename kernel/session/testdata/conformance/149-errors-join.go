// errors.Join and multiple %w.
package main

import (
	"errors"
	"fmt"
)

var (
	ErrName  = errors.New("name is empty")
	ErrEmail = errors.New("email has no @")
)

type User struct{ Name, Email string }

func validate(u User) error {
	var errs []error
	if u.Name == "" {
		errs = append(errs, ErrName)
	}
	if u.Email == "" || u.Email[0] == '@' {
		errs = append(errs, ErrEmail)
	}
	return errors.Join(errs...)
}

func main() {
	err := validate(User{"", "@x"})
	fmt.Println(err)
	fmt.Println(errors.Is(err, ErrName), errors.Is(err, ErrEmail))
	fmt.Println(validate(User{"ann", "a@b"}) == nil)
	two := fmt.Errorf("both: %w; %w", ErrName, ErrEmail)
	fmt.Println(two, errors.Is(two, ErrEmail))
}
