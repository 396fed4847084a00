// Functional options.
package main

import "fmt"

type Server struct {
	host    string
	port    int
	verbose bool
}

type Option func(*Server)

func WithPort(p int) Option { return func(s *Server) { s.port = p } }
func Verbose() Option       { return func(s *Server) { s.verbose = true } }

func NewServer(host string, opts ...Option) *Server {
	s := &Server{host: host, port: 80}
	for _, o := range opts {
		o(s)
	}
	return s
}

func main() {
	fmt.Printf("%+v\n", *NewServer("a"))
	fmt.Printf("%+v\n", *NewServer("b", WithPort(8080), Verbose()))
}
