//go:build !unix

package kernel

import "errors"

func (s *Server) captureStdio() error {
	return errors.New("kernel: capturing stdio needs a Unix system")
}
