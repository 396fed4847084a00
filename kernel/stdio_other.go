//go:build !linux

package kernel

import "errors"

func (s *Server) captureStdio() error {
	return errors.New("kernel: capturing stdio is implemented on Linux only")
}

type capturedPipe struct{}

func (s *Server) syncStdio() {}
