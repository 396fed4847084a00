// Wrapping a value-receiver error type declared in the program, several
// levels deep, and errors.As into a value.
package main

import (
	"errors"
	"fmt"
)

type ErrInsufficient struct {
	Need, Have int
}

func (e ErrInsufficient) Error() string {
	return fmt.Sprintf("need %d, have %d", e.Need, e.Have)
}

func withdraw(balance, amount int) error {
	if amount > balance {
		return ErrInsufficient{amount, balance}
	}
	return nil
}

func main() {
	err := withdraw(10, 25)
	wrapped := fmt.Errorf("transfer: %w", fmt.Errorf("withdraw: %w", err))
	fmt.Println(wrapped)
	var ins ErrInsufficient
	if errors.As(wrapped, &ins) {
		fmt.Println("short by", ins.Need-ins.Have)
	}
	fmt.Println(errors.Is(wrapped, ErrInsufficient{25, 10}))
}
