// Two closures sharing one captured variable.
package main

import "fmt"

func account(balance int) (deposit func(int), withdraw func(int) bool, get func() int) {
	deposit = func(n int) { balance += n }
	withdraw = func(n int) bool {
		if n > balance {
			return false
		}
		balance -= n
		return true
	}
	get = func() int { return balance }
	return
}

func main() {
	dep, wd, get := account(100)
	dep(50)
	fmt.Println(wd(30), get())
	fmt.Println(wd(500), get())
	x := 1
	inc := func() { x++ }
	inc()
	inc()
	fmt.Println(x)
}
