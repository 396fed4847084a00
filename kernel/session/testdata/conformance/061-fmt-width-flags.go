// Width, precision and flags.
package main

import "fmt"

func main() {
	fmt.Printf("|%5d|%-5d|%05d|%+d|% d|\n", 42, 42, 42, 42, 42)
	fmt.Printf("|%8.3f|%-8.2f|%.0f|%08.3f|\n", 3.14159, 2.5, 2.5, -3.14159)
	fmt.Printf("|%10s|%-10s|%.2s|%q|\n", "right", "left", "truncate", "quote")
	fmt.Printf("|%#x|%#o|%#b|%#q|\n", 255, 8, 5, "back`tick")
	fmt.Printf("|%*d|%-*d|%.*f|\n", 6, 7, 6, 7, 2, 3.14159)
	fmt.Printf("|%6.2v|%x|\n", 3.14159, -255)
	fmt.Printf("|%[2]d %[1]d|%[1]d %d|\n", 1, 2)
	fmt.Printf("|%08b|%3c|%-4q|\n", 5, 'x', 'y')
}
