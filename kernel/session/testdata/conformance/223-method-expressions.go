// Method expressions: T.M and (*T).M as functions taking the receiver
// first, on structs, named types and interfaces, passed and stored.
package main

import (
	"fmt"
	"sort"
	"strings"
)

type Temp float64

func (t Temp) Fahrenheit() float64 { return float64(t)*9/5 + 32 }

type Account struct {
	Owner   string
	Balance int
}

func (a *Account) Deposit(n int)   { a.Balance += n }
func (a Account) Describe() string { return fmt.Sprintf("%s:%d", a.Owner, a.Balance) }
func (a Account) Join(sep string, parts ...string) string {
	return a.Owner + sep + strings.Join(parts, sep)
}

type Namer interface{ Name() string }

type city string

func (c city) Name() string { return strings.ToUpper(string(c)) }

func mapAll[T, R any](xs []T, f func(T) R) []R {
	var out []R
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func main() {
	fmt.Println(mapAll([]Temp{0, 100}, Temp.Fahrenheit))

	deposit := (*Account).Deposit
	a := &Account{Owner: "ann"}
	deposit(a, 5)
	(*Account).Deposit(a, 10)
	fmt.Println(Account.Describe(*a), (*Account).Describe(a))
	join := Account.Join
	fmt.Println(join(*a, "-", "x", "y"))

	name := Namer.Name
	fmt.Println(name(city("oslo")))

	accounts := []Account{{"bo", 3}, {"al", 9}, {"cy", 1}}
	describe := Account.Describe
	sort.Slice(accounts, func(i, j int) bool { return describe(accounts[i]) < describe(accounts[j]) })
	fmt.Println(mapAll(accounts, describe))

	ops := map[string]func(*Account, int){"deposit": (*Account).Deposit}
	ops["deposit"](a, 1)
	fmt.Println(a.Balance)
	fmt.Printf("%T\n%T\n", Temp.Fahrenheit, (*Account).Deposit)
}
