// A bank account with methods, errors and a transaction log.
package main

import (
	"errors"
	"fmt"
)

var ErrInsufficientFunds = errors.New("insufficient funds")

type Account struct {
	Owner   string
	balance int
	log     []string
}

func (a *Account) Deposit(amount int) error {
	if amount <= 0 {
		return fmt.Errorf("deposit %d: amount must be positive", amount)
	}
	a.balance += amount
	a.log = append(a.log, fmt.Sprintf("+%d", amount))
	return nil
}

func (a *Account) Withdraw(amount int) error {
	if amount > a.balance {
		return fmt.Errorf("withdraw %d from %s: %w", amount, a.Owner, ErrInsufficientFunds)
	}
	a.balance -= amount
	a.log = append(a.log, fmt.Sprintf("-%d", amount))
	return nil
}

func (a Account) Balance() int { return a.balance }

func main() {
	acc := &Account{Owner: "Lee"}
	fmt.Println(acc.Deposit(100))
	fmt.Println(acc.Deposit(-5))
	fmt.Println(acc.Withdraw(30))
	err := acc.Withdraw(500)
	fmt.Println(err, errors.Is(err, ErrInsufficientFunds))
	fmt.Println(acc.Balance(), acc.log)
}
