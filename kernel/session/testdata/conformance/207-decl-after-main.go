// Types, methods and functions may be declared after main.
package main

import "fmt"

func main() {
	s := newShelf()
	s.add(Book{"Dune", 1965})
	s.add(Book{"Emma", 1815})
	fmt.Println(s.oldest())
	fmt.Println(len(s.books))
}

type Book struct {
	Title string
	Year  int
}

type shelf struct{ books []Book }

func newShelf() *shelf { return &shelf{} }

func (s *shelf) add(b Book) { s.books = append(s.books, b) }

func (s *shelf) oldest() Book {
	o := s.books[0]
	for _, b := range s.books {
		if b.Year < o.Year {
			o = b
		}
	}
	return o
}
