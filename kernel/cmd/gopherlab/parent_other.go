//go:build !linux

package main

import (
	"context"
	"errors"
)

// waitExit is not available on this system: watchParent looks instead.
func waitExit(ctx context.Context, pids []int, gone func() bool) (bool, error) {
	return false, errors.ErrUnsupported
}
